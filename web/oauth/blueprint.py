"""The ``oauth`` blueprint: redirects to providers and their callbacks."""

from flask import Blueprint

blueprint = Blueprint("oauth", __name__, url_prefix="/oauth")
