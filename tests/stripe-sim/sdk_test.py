"""Stripe's official Python SDK (from PyPI) against the simulator.

Usage: SIM_URL=http://127.0.0.1:PORT python sdk_test.py   (prints PASS/FAIL lines)
The simulator must run with --test-control for the retry check.
"""

import os
import sys
import traceback
import urllib.parse
import urllib.request

import stripe

SIM = os.environ["SIM_URL"]
stripe.api_key = "sk_test_paydesk_fake_key"
stripe.api_base = SIM
stripe.max_network_retries = 0

passed = 0
failed = 0


def test(fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print(f"PASS sdk: {fn.__doc__}")
    except Exception:
        failed += 1
        print(f"FAIL sdk: {fn.__doc__}\n  " + traceback.format_exc().replace("\n", "\n  "))
    return fn


def control(path, **params):
    data = urllib.parse.urlencode(params).encode()
    urllib.request.urlopen(urllib.request.Request(SIM + path, data=data, method="POST")).read()


@test
def create_confirm():
    """create then confirm with a test PaymentMethod"""
    pi = stripe.PaymentIntent.create(
        amount=2000,
        currency="usd",
        metadata={"order_id": "sdk-1"},
        automatic_payment_methods={"enabled": True, "allow_redirects": "never"},
    )
    assert pi.id.startswith("pi_") and pi.status == "requires_payment_method", pi
    assert pi.metadata["order_id"] == "sdk-1"
    pi = stripe.PaymentIntent.confirm(pi.id, payment_method="pm_card_visa", expand=["latest_charge"])
    assert pi.status == "succeeded", pi.status
    assert pi.latest_charge.payment_method_details.card.brand == "visa"
    assert pi.latest_charge.payment_method_details.card.last4 == "4242"


@test
def capture():
    """manual capture, partial amount"""
    pi = stripe.PaymentIntent.create(amount=3000, currency="eur", capture_method="manual", payment_method="pm_card_mastercard", confirm=True)
    assert pi.status == "requires_capture" and pi.amount_capturable == 3000
    pi = stripe.PaymentIntent.capture(pi.id, amount_to_capture=2500)
    assert pi.status == "succeeded" and pi.amount_received == 2500


@test
def cancel():
    """cancel with a reason"""
    pi = stripe.PaymentIntent.create(amount=1500, currency="usd")
    pi = stripe.PaymentIntent.cancel(pi.id, cancellation_reason="abandoned")
    assert pi.status == "canceled" and pi.cancellation_reason == "abandoned"


@test
def refund():
    """full and partial refunds, listed"""
    pi = stripe.PaymentIntent.create(amount=5000, currency="usd", payment_method="pm_card_visa", confirm=True)
    partial = stripe.Refund.create(payment_intent=pi.id, amount=1000, reason="requested_by_customer")
    assert partial.status == "succeeded" and partial.amount == 1000
    rest = stripe.Refund.create(payment_intent=pi.id)
    assert rest.amount == 4000
    refunds = stripe.Refund.list(payment_intent=pi.id)
    assert [r.id for r in refunds.data] == [rest.id, partial.id]
    try:
        stripe.Refund.create(payment_intent=pi.id, amount=1)
        raise AssertionError("refunding more than captured must fail")
    except stripe.InvalidRequestError as e:
        assert e.code == "charge_already_refunded", e.code


@test
def card_error():
    """a decline raises the SDK's typed CardError"""
    try:
        stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_chargeDeclinedInsufficientFunds", confirm=True)
        raise AssertionError("expected a CardError")
    except stripe.CardError as e:
        assert e.http_status == 402
        assert e.code == "card_declined" and e.error.decline_code == "insufficient_funds", e.error
        assert e.error.payment_intent.status == "requires_payment_method"
        assert e.request_id and e.request_id.startswith("req_")


@test
def authentication_error():
    """a live key raises AuthenticationError"""
    try:
        stripe.PaymentIntent.list(api_key="sk_live_paydesk_fake_key")
        raise AssertionError("expected an AuthenticationError")
    except stripe.AuthenticationError as e:
        assert e.http_status == 401


@test
def idempotent_replay():
    """idempotency_key replays the first answer; new parameters are refused"""
    a = stripe.PaymentIntent.create(amount=1234, currency="usd", idempotency_key="sdk-order-77")
    b = stripe.PaymentIntent.create(amount=1234, currency="usd", idempotency_key="sdk-order-77")
    assert a.id == b.id
    try:
        stripe.PaymentIntent.create(amount=999, currency="usd", idempotency_key="sdk-order-77")
        raise AssertionError("expected an IdempotencyError")
    except stripe.IdempotencyError:
        pass


@test
def retries_follow_should_retry():
    """the SDK retries a 500 marked Stripe-Should-Retry: true, not one marked false"""
    control("/_sim/faults", fail_next=1, failure="server_error", should_retry="true")
    client = stripe.StripeClient("sk_test_paydesk_fake_key", base_addresses={"api": SIM}, max_network_retries=2)
    pi = client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"})
    assert pi.status == "requires_payment_method"
    control("/_sim/faults", fail_next=1, failure="server_error", should_retry="false")
    try:
        client.v1.payment_intents.create(params={"amount": 2000, "currency": "usd"})
        raise AssertionError("expected an APIError")
    except stripe.APIError as e:
        assert e.http_status == 500


@test
def three_d_secure():
    """3DS card: requires_action with use_stripe_sdk"""
    pi = stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_authenticationRequired", confirm=True)
    assert pi.status == "requires_action"
    assert pi.next_action.type == "use_stripe_sdk"


@test
def events():
    """events list newest first"""
    page = stripe.Event.list(limit=3)
    assert len(page.data) == 3
    assert page.data[0].created >= page.data[-1].created
    nxt = stripe.Event.list(limit=3, starting_after=page.data[-1].id)
    assert not {e.id for e in nxt.data} & {e.id for e in page.data}


@test
def customers():
    """customers: create, update, list by email, search, delete"""
    c = stripe.Customer.create(name="Ada Lovelace", email="ada.sdk@example.com", phone="5550100", metadata={"till": "1"})
    assert c.id.startswith("cus_") and c.email == "ada.sdk@example.com"
    c = stripe.Customer.modify(c.id, description="regular")
    assert c.description == "regular" and c.name == "Ada Lovelace"
    assert [x.id for x in stripe.Customer.list(email="ada.sdk@example.com").data] == [c.id]
    found = stripe.Customer.search(query="email:'ada.sdk@example.com'")
    assert found.object == "search_result" and [x.id for x in found.data] == [c.id], found
    assert [x.id for x in stripe.Customer.search(query="name~'lovel'").auto_paging_iter()] == [c.id]
    gone = stripe.Customer.delete(c.id)
    assert gone.deleted is True and gone.id == c.id
    assert stripe.Customer.retrieve(c.id).deleted is True


@test
def saved_cards():
    """attach, list, charge off-session, detach; authentication_required off-session"""
    c = stripe.Customer.create(name="Grace")
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=c.id)
    assert pm.customer == c.id and pm.id != "pm_card_visa"
    assert [m.id for m in stripe.Customer.list_payment_methods(c.id, type="card").data] == [pm.id]
    assert [m.id for m in stripe.PaymentMethod.list(customer=c.id, type="card").data] == [pm.id]
    pi = stripe.PaymentIntent.create(amount=1500, currency="usd", customer=c.id, payment_method=pm.id, off_session=True, confirm=True)
    assert pi.status == "succeeded" and pi.customer == c.id
    asks = stripe.PaymentMethod.attach("pm_card_authenticationRequired", customer=c.id)
    try:
        stripe.PaymentIntent.create(amount=1500, currency="usd", customer=c.id, payment_method=asks.id, off_session=True, confirm=True)
        raise AssertionError("expected a CardError")
    except stripe.CardError as e:
        assert e.code == "authentication_required", e.code
        assert e.error.payment_intent.status == "requires_payment_method"
    pm = stripe.PaymentMethod.detach(pm.id)
    assert pm.customer is None


@test
def setup_intents_and_sessions():
    """SetupIntent confirm saves the card; CustomerSession for the Payment Element"""
    c = stripe.Customer.create()
    si = stripe.SetupIntent.create(customer=c.id, payment_method_types=["card"])
    assert si.status == "requires_payment_method" and si.usage == "off_session"
    si = stripe.SetupIntent.confirm(si.id, payment_method="pm_card_mastercard")
    assert si.status == "succeeded"
    assert stripe.PaymentMethod.retrieve(si.payment_method).customer == c.id
    other = stripe.SetupIntent.cancel(stripe.SetupIntent.create().id, cancellation_reason="abandoned")
    assert other.status == "canceled"
    cs = stripe.CustomerSession.create(
        customer=c.id,
        components={"payment_element": {"enabled": True, "features": {"payment_method_save": "enabled", "payment_method_redisplay": "enabled"}}},
    )
    assert cs.client_secret.startswith("cuss_secret_") and cs.expires_at == cs.created + 1800
    assert cs.components.payment_element.features.payment_method_save == "enabled"


@test
def card_checks_and_moto():
    """card checks on the charge; MOTO refused with setup_future_usage=on_session"""
    pi = stripe.PaymentIntent.create(amount=2000, currency="usd", payment_method="pm_card_avsZipFail", confirm=True, expand=["latest_charge"])
    assert pi.status == "succeeded"
    assert pi.latest_charge.payment_method_details.card.checks.address_postal_code_check == "fail"
    c = stripe.Customer.create()
    try:
        stripe.PaymentIntent.create(
            amount=2000, currency="usd", customer=c.id, payment_method="pm_card_visa", confirm=True,
            setup_future_usage="on_session", payment_method_options={"card": {"moto": True}},
        )
        raise AssertionError("expected an InvalidRequestError")
    except stripe.InvalidRequestError as e:
        assert e.param == "payment_method_options[card][moto]", e.param


print(f"sdk: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
