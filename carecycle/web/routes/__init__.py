"""Route groups of the web app."""
