"""The actors of a deal, each one's behaviour whole: the Company (and its capital), the
Investors (each, and together), the Other Holders, the Underwriter, the Commission's
review, the Company's own offerings, effectiveness, claims and costs, and the decision
policies they consult. They see the deal only as :class:`agents.deal.Deal`."""
