"""The one-page report of a results folder, as HTML or PDF."""
