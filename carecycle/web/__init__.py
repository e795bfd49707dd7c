"""The web app: tracked links, unsubscribe pages and the JSON API."""
