"""The Chalice app: creates it and registers the routes (and, on SnapStart, prepares the
snapshot)."""

import os

from chalice import Chalice

from chalicelib import snapstart
from chalicelib.api.auth import auth_routes
from chalicelib.api.cart import cart
from chalicelib.api.categories import categories
from chalicelib.api.docs import docs
from chalicelib.api.health import health
from chalicelib.api.middleware import install_middleware
from chalicelib.api.orders import orders
from chalicelib.api.preflight import answer_preflight
from chalicelib.api.products import products
from chalicelib.api.ratings import ratings
from chalicelib.api.root import root
from chalicelib.api.routing import install_fallbacks
from chalicelib.api.schema import schema
from chalicelib.api.users import users

app = Chalice(app_name="shop-api")
app.api.binary_types.append("multipart/form-data")

for blueprint in (
    root,
    health,
    schema,
    docs,
    auth_routes,
    users,
    categories,
    products,
    ratings,
    cart,
    orders,
):
    app.register_blueprint(blueprint)

install_fallbacks(app, answer_preflight)
install_middleware(app)

# Under the chalice CLI, `chalice local` serves the shop as `make run` does (the CLI sets
# this variable; Lambda never does). See chalicelib/local/server.py.
if os.environ.get("AWS_CHALICE_CLI_MODE") == "true":
    from chalicelib.local.server import adapt_chalice_local

    adapt_chalice_local()

# With SnapStart, Lambda snapshots the container once this import is done, and restored
# copies skip whatever was set up before (see chalicelib/snapstart.py).
if snapstart.requested():
    snapstart.prepare_snapshot()
