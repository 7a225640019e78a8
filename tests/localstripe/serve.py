"""Starts localstripe for the payments-core cross-check (tests/localstripe/run.sh).

It runs the project's launcher, tests/stripe-sim/localstripe_serve.py (127.0.0.1 only, no
disk dump), after applying the few compatibility patches below. Usage:

    python serve.py PORT

Why patch at all: localstripe 1.15.10 refuses every parameter it does not model with
"400 Unexpected ...", and Paydesk's core always sends `description` when it creates a
PaymentIntent. Unpatched, not one payment could be created, so nothing could be compared.
The patches are kept to two kinds, and nothing else about localstripe's behaviour (its
state machine, which cards decline or need 3-D Secure, its error status codes, its
list order, its missing endpoints) is touched:

  A. Accept and store request parameters that Stripe documents and that change nothing
     about the money: PaymentIntent create `description`, `receipt_email`,
     `statement_descriptor_suffix`; PaymentIntent cancel `cancellation_reason`; Refund
     create `reason`. Each is validated as Stripe does (type / enum) and echoed back.
  B. Fields Stripe always returns that localstripe 1.15.10 lacks, derived only from
     localstripe's own state: `last_payment_error.type` ("card_error": a decline or a
     failed 3-D Secure is a card error) and `Charge.amount_captured` (0 until captured;
     after a partial capture, the amount less the part localstripe released with its own
     refund).

GET /_config/paydesk_compat lists the patches, so the tests can refuse to run against a
localstripe started some other way.
"""

import importlib.util
import json
import os
import sys

import aiohttp.web
import localstripe.resources as resources
from localstripe.errors import UserError

PATCHES = [
    "payment_intent.create: description, receipt_email, statement_descriptor_suffix",
    "payment_intent.cancel: cancellation_reason",
    "refund.create: reason",
    "payment_intent.last_payment_error.type",
    "charge.amount_captured",
]

CANCELLATION_REASONS = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")


def _optional_string(value, max_len=None):
    if value is None:
        return
    if type(value) is not str or (max_len is not None and len(value) > max_len):
        raise UserError(400, "Bad request")


def patch_payment_intent_create():
    original = resources.PaymentIntent.__init__

    def __init__(self, description=None, receipt_email=None, statement_descriptor_suffix=None, **kwargs):
        _optional_string(description, 1000)
        _optional_string(receipt_email, 800)
        _optional_string(statement_descriptor_suffix, 22)
        original(self, **kwargs)
        self.description = description
        self.receipt_email = receipt_email
        self.statement_descriptor_suffix = statement_descriptor_suffix

    resources.PaymentIntent.__init__ = __init__


def patch_payment_intent_cancel():
    """The route table was built from the bound method in resources.extra_apis, so the new
    method replaces that entry too (this runs before localstripe.server is imported)."""
    old = resources.PaymentIntent._api_cancel
    original = old.__func__

    def _api_cancel(cls, id, cancellation_reason=None, **kwargs):
        if cancellation_reason is not None and cancellation_reason not in CANCELLATION_REASONS:
            raise UserError(400, "Bad request")
        obj = original(cls, id, **kwargs)
        obj.cancellation_reason = cancellation_reason
        return obj

    resources.PaymentIntent._api_cancel = classmethod(_api_cancel)
    new = resources.PaymentIntent._api_cancel
    replaced = 0
    for i, (method, url, func) in enumerate(resources.extra_apis):
        if func == old:
            resources.extra_apis[i] = (method, url, new)
            replaced += 1
    if replaced != 1:
        raise SystemExit(f"serve.py: expected one cancel route in localstripe, found {replaced}")


def patch_refund_create():
    original = resources.Refund.__init__

    def __init__(self, reason=None, **kwargs):
        if reason is not None and reason not in REFUND_REASONS:
            raise UserError(400, "Bad request")
        original(self, **kwargs)
        self.reason = reason

    resources.Refund.__init__ = __init__


def patch_last_payment_error_type():
    original = resources.PaymentIntent.last_payment_error.fget

    def last_payment_error(self):
        error = original(self)
        if error is not None and "type" not in error:
            error = {"type": "card_error", **error}
        return error

    resources.PaymentIntent.last_payment_error = property(last_payment_error)


def patch_charge_amount_captured():
    original_capture = resources.Charge._capture

    def _capture(self, amount, on_success=None):
        requested = self.amount if amount is None else resources.try_convert_to_int(amount)
        original_capture(self, amount, on_success=on_success)
        # Reached only when localstripe accepted the capture.
        if type(requested) is int:
            self._released = self.amount - requested

    def amount_captured(self):
        if self.status != "succeeded" or not self.captured:
            return 0
        return self.amount - getattr(self, "_released", 0)

    resources.Charge._capture = _capture
    resources.Charge.amount_captured = property(amount_captured)


def main() -> None:
    patch_payment_intent_create()
    patch_payment_intent_cancel()
    patch_refund_create()
    patch_last_payment_error_type()
    patch_charge_amount_captured()

    launcher_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "stripe-sim", "localstripe_serve.py")
    spec = importlib.util.spec_from_file_location("localstripe_serve", launcher_path)
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)  # imports localstripe.server: routes from the patched table

    async def compat(_request):
        return aiohttp.web.Response(text=json.dumps({"patches": PATCHES}), content_type="application/json")

    launcher.localstripe.server.app.router.add_get("/_config/paydesk_compat", compat)
    launcher.main()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python serve.py PORT")
    main()
