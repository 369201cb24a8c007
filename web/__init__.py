"""The web layer: Flask app factory, admin and rep pages, login, and the REST API."""
