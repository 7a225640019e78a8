//! Cards on file: each customer's Stripe Customer, made the first time a card is saved or
//! listed for them and never twice (its idempotency key is committed before the request
//! leaves), their saved cards as Stripe lists them, and detaching one.

use paydesk_stripe::{ClientSecret, CreateCustomer, CreateCustomerSession, CreateSetupIntent, IdempotencyKey, ListParams, PaymentMethods, PublishableKey, SetupUsage, StripeError};
use serde::{Deserialize, Serialize};

use super::{check_payment_method_id, sent_elapsed, settles_earlier_sends, PaymentError, Payments, KEY_REPLAY_HOURS};
use crate::cards::SavedCard;
use crate::customer::CustomerId;
use crate::store::{Customer, Order, StoreError, StripeCustomerRecord};

/// The metadata keys that tie a Stripe Customer to the till's customer and to the request
/// that made it (found by it once Stripe has forgotten the idempotency key).
const CUSTOMER_MARKER: &str = "paydesk_customer_id";
const REQUEST_MARKER: &str = "paydesk_request";

/// The create request of a Stripe Customer, kept as JSON beside its idempotency key so a
/// re-send is exactly the first send (Stripe refuses a key reused with other parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CustomerRequest {
    name: String,
    email: Option<String>,
    phone: Option<String>,
    metadata: Vec<(String, String)>,
}

impl CustomerRequest {
    fn for_customer(customer: &Customer, key: &IdempotencyKey) -> CustomerRequest {
        CustomerRequest {
            name: customer.name.clone(),
            email: customer.email.clone(),
            phone: customer.phone.clone(),
            metadata: vec![
                (CUSTOMER_MARKER.into(), customer.id.to_string()),
                ("paydesk_customer_number".into(), format!("C{}", customer.number)),
                (REQUEST_MARKER.into(), key.as_str().into()),
            ],
        }
    }

    fn to_params(&self) -> CreateCustomer {
        CreateCustomer {
            name: Some(self.name.clone()),
            email: self.email.clone(),
            phone: self.phone.clone(),
            description: None,
            metadata: self.metadata.clone(),
        }
    }
}

/// What the Payment Element needs to show a customer's saved cards and the save checkbox.
/// The client secret goes to the window and nowhere else.
#[derive(Debug)]
pub struct CustomerSessionStarted {
    pub customer_id: CustomerId,
    pub client_secret: ClientSecret,
    pub publishable_key: PublishableKey,
}

/// A SetupIntent for "Add card" on a customer: the Payment Element confirms it.
#[derive(Debug)]
pub struct CardSetup {
    pub customer_id: CustomerId,
    pub setup_intent_id: String,
    pub client_secret: ClientSecret,
    pub publishable_key: PublishableKey,
}

impl Payments {
    /// The customer's saved cards as Stripe lists them now (their Stripe Customer is made if
    /// they have none yet); the display copy is refreshed from the list.
    pub async fn saved_cards(&self, customer_id: &CustomerId) -> Result<Vec<SavedCard>, PaymentError> {
        let customer = self.own_customer(customer_id)?;
        let stripe_customer = self.stripe_customer(&customer).await?;
        self.list_cards(&customer, &stripe_customer).await
    }

    /// Detaches one of the customer's saved cards at Stripe; returns the cards left. A card
    /// listed for them before and already gone at Stripe (detached meanwhile, or an earlier
    /// press whose answer was lost) is simply gone; any other card is refused untouched.
    pub async fn detach_saved_card(&self, customer_id: &CustomerId, payment_method: &str) -> Result<Vec<SavedCard>, PaymentError> {
        check_payment_method_id(payment_method)?;
        let customer = self.own_customer(customer_id)?;
        let known = self.store().saved_cards(self.mode, &customer.id)?.iter().any(|card| card.payment_method_id == payment_method);
        let cards = self.saved_cards_at_stripe(&customer).await?;
        if !cards.iter().any(|card| card.payment_method_id == payment_method) {
            return if known { Ok(cards) } else { Err(PaymentError::NotASavedCard) };
        }
        self.stripe.detach_payment_method(payment_method, &IdempotencyKey::new(), self.policy).await?;
        self.store().forget_saved_card(self.mode, payment_method)?;
        tracing::info!(customer = %customer.id, payment_method, "saved card detached");
        Ok(self.store().saved_cards(self.mode, &customer.id)?)
    }

    /// A CustomerSession for the Payment Element: the customer's saved cards to choose from,
    /// the save checkbox, and removing a card, all on.
    pub async fn customer_session(&self, customer_id: &CustomerId) -> Result<CustomerSessionStarted, PaymentError> {
        let customer = self.own_customer(customer_id)?;
        let stripe_customer = self.stripe_customer(&customer).await?;
        let params = CreateCustomerSession::payment_element(stripe_customer);
        let session = self.stripe.create_customer_session(&params, &IdempotencyKey::new(), self.policy).await?;
        Ok(CustomerSessionStarted { customer_id: customer.id, client_secret: session.client_secret, publishable_key: self.publishable_key.clone() })
    }

    /// "Add card" without a sale: a SetupIntent for the customer's card, for payments
    /// without them, confirmed by the Payment Element.
    pub async fn start_card_setup(&self, customer_id: &CustomerId) -> Result<CardSetup, PaymentError> {
        let customer = self.own_customer(customer_id)?;
        let stripe_customer = self.stripe_customer(&customer).await?;
        let params = CreateSetupIntent {
            customer: stripe_customer,
            usage: SetupUsage::OffSession,
            payment_methods: PaymentMethods::CardOnly,
            metadata: vec![(CUSTOMER_MARKER.into(), customer.id.to_string())],
            ..CreateSetupIntent::default()
        };
        let setup = self.stripe.create_setup_intent(&params, &IdempotencyKey::new(), self.policy).await?;
        let client_secret = setup.client_secret.ok_or(PaymentError::MissingClientSecret)?;
        Ok(CardSetup { customer_id: customer.id, setup_intent_id: setup.id, client_secret, publishable_key: self.publishable_key.clone() })
    }

    /// A customer of this mode's directory.
    fn own_customer(&self, customer_id: &CustomerId) -> Result<Customer, PaymentError> {
        let customer = self.store().customer(customer_id)?;
        if customer.mode != self.mode || customer.removed {
            return Err(StoreError::CustomerNotFound(customer_id.to_string()).into());
        }
        Ok(customer)
    }

    /// The order's customer, for saving its card or charging a saved one.
    pub(super) fn order_customer(&self, order: &Order) -> Result<Customer, PaymentError> {
        let id = order.spec.customer_id.as_ref().ok_or(PaymentError::NoCustomer { number: order.number })?;
        self.own_customer(id)
    }

    /// The customer's Stripe Customer in this mode, if one was made and not deleted.
    pub(super) fn existing_stripe_customer(&self, customer: &Customer) -> Result<Option<String>, PaymentError> {
        let record = self.store().stripe_customer_of(self.mode, &customer.id)?;
        Ok(record.filter(|r| r.status == "created").and_then(|r| r.stripe_customer_id))
    }

    /// The customer's cards at Stripe now, for a customer who has a Stripe Customer; one who
    /// has none has no saved card.
    pub(super) async fn saved_cards_at_stripe(&self, customer: &Customer) -> Result<Vec<SavedCard>, PaymentError> {
        let stripe_customer = self.existing_stripe_customer(customer)?.ok_or(PaymentError::NotASavedCard)?;
        self.list_cards(customer, &stripe_customer).await
    }

    /// Every page of the customer's cards; a Customer Stripe no longer has is forgotten, with
    /// its cards, and has none.
    async fn list_cards(&self, customer: &Customer, stripe_customer: &str) -> Result<Vec<SavedCard>, PaymentError> {
        let mut params = ListParams { limit: Some(100), ..ListParams::default() };
        let mut cards = Vec::new();
        loop {
            let page = match self.stripe.list_customer_cards(stripe_customer, &params, self.policy).await {
                Ok(page) => page,
                Err(StripeError::NotFound { .. }) => {
                    tracing::warn!(customer = %customer.id, stripe_customer, "the Stripe Customer is gone; its saved cards with it");
                    self.store().stripe_customer_deleted(self.mode, stripe_customer)?;
                    return Ok(Vec::new());
                }
                Err(error) => return Err(error.into()),
            };
            cards.extend(page.data.iter().filter_map(SavedCard::from_stripe));
            match page.data.last() {
                Some(last) if page.has_more => params.starting_after = Some(last.id.clone()),
                _ => break,
            }
        }
        self.store().replace_saved_cards(stripe_customer, &cards)?;
        Ok(cards)
    }

    /// The customer's Stripe Customer in this mode, made now if they have none. Made once:
    /// the request and its key are committed first, and a request whose answer was lost is
    /// re-sent under that key (Stripe replays its answer), or, once Stripe has forgotten the
    /// key, looked for by the key written on it. One Stripe no longer has (deleted in the
    /// Dashboard, or a demo simulator that was restarted) is replaced.
    pub(super) async fn stripe_customer(&self, customer: &Customer) -> Result<String, PaymentError> {
        for _ in 0..3 {
            let key = IdempotencyKey::new();
            let request = serde_json::to_string(&CustomerRequest::for_customer(customer, &key)).expect("a request of strings serializes");
            let record = self.store().begin_stripe_customer(self.mode, &customer.id, key.as_str(), &request)?;
            match (record.status.as_str(), &record.stripe_customer_id) {
                ("created", Some(id)) => match self.stripe.retrieve_customer(id, self.policy).await {
                    Ok(found) if !found.deleted => return Ok(id.clone()),
                    Ok(_) | Err(StripeError::NotFound { .. }) => {
                        tracing::warn!(customer = %customer.id, stripe_customer = %id, "the Stripe Customer is gone; making a new one");
                        self.store().stripe_customer_deleted(self.mode, id)?;
                    }
                    Err(error) => return Err(error.into()),
                },
                _ => {
                    if let Some(id) = self.create_stripe_customer(&record).await? {
                        return Ok(id);
                    }
                }
            }
        }
        Err(StripeError::OutcomeUnknown { tries: 3, last: Box::new(StripeError::Decode { message: "the Stripe Customer could not be settled".into() }) }.into())
    }

    /// Sends (or re-sends) a record's create request; `None` when it proved never to have
    /// made a Customer and was retired, so a new one may be asked for.
    async fn create_stripe_customer(&self, record: &StripeCustomerRecord) -> Result<Option<String>, PaymentError> {
        let request: CustomerRequest = serde_json::from_str(&record.request).map_err(|_| StoreError::Corrupt(format!("unreadable Stripe Customer request {}", record.id)))?;
        let recent = sent_elapsed(&record.created_at, self.store().clock_now()).is_some_and(|seconds| seconds < KEY_REPLAY_HOURS * 3600);
        if !recent {
            // Stripe has forgotten the key: a re-send could make a second Customer.
            if let Some(found) = self.find_customer_by_request(record).await? {
                self.store().record_stripe_customer(record.id, &found)?;
                return Ok(Some(found));
            }
            self.store().fail_stripe_customer(record.id)?;
            return Ok(None);
        }
        let key = IdempotencyKey::from_persisted(record.idempotency_key.clone());
        match self.stripe.create_customer(&request.to_params(), &key, self.policy).await {
            Ok(created) => {
                self.store().record_stripe_customer(record.id, &created.id)?;
                tracing::info!(customer = %record.customer_id, mode = %record.mode, stripe_customer = %created.id, "Stripe Customer made");
                Ok(Some(created.id))
            }
            Err(error) if !error.outcome_unknown() && settles_earlier_sends(&error) => {
                // Answered past Stripe's idempotency layer: no send under this key made one.
                self.store().fail_stripe_customer(record.id)?;
                Err(error.into())
            }
            // Left as 'creating': the next ask re-sends it under the same key.
            Err(error) => Err(error.into()),
        }
    }

    async fn find_customer_by_request(&self, record: &StripeCustomerRecord) -> Result<Option<String>, PaymentError> {
        let query = format!("metadata['{REQUEST_MARKER}']:'{}'", record.idempotency_key);
        let mut page = None;
        loop {
            let found = self.stripe.search_customers(&query, page.as_deref(), self.policy).await?;
            if let Some(customer) = found.data.iter().find(|c| c.metadata.get(REQUEST_MARKER) == Some(&record.idempotency_key)) {
                return Ok(Some(customer.id.clone()));
            }
            match found.next_page {
                Some(next) if found.has_more => page = Some(next),
                _ => return Ok(None),
            }
        }
    }
}
