//! Request parameters and their form encoding (Stripe's `a[b][c]=v` / `a[]=v` syntax).

/// Form pairs in order; keys already carry Stripe's bracket syntax.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Form(Vec<(String, String)>);

impl Form {
    pub(crate) fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.push((key.into(), value.into()));
    }

    fn push_opt(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(key, v);
        }
    }

    fn push_metadata(&mut self, metadata: &[(String, String)]) {
        for (k, v) in metadata {
            self.push(format!("metadata[{k}]"), v.clone());
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn encode(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// `application/x-www-form-urlencoded` escaping; brackets are escaped too, which Stripe
/// decodes like any other character.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CaptureMethod {
    #[default]
    Automatic,
    Manual,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PaymentMethods {
    /// `automatic_payment_methods[enabled]=true`: whatever the Dashboard enables.
    #[default]
    Automatic,
    /// `payment_method_types[]=card`.
    CardOnly,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatePaymentIntent {
    pub amount: i64,
    /// Lowercase ISO 4217 code.
    pub currency: String,
    pub capture_method: CaptureMethod,
    pub payment_methods: PaymentMethods,
    pub metadata: Vec<(String, String)>,
    pub description: Option<String>,
    pub statement_descriptor_suffix: Option<String>,
    pub receipt_email: Option<String>,
    pub confirm: bool,
    pub payment_method: Option<String>,
    pub confirmation_token: Option<String>,
    /// `payment_method_options[card][moto]=true`: a card number taken over the phone.
    pub moto: bool,
    pub return_url: Option<String>,
    /// The Stripe Customer paying: needed to charge a card saved on them, or to save one.
    pub customer: Option<String>,
    /// Save the card on `customer` once the payment succeeds.
    pub setup_future_usage: Option<SetupUsage>,
    /// The customer is not present: a saved card charged for a payment they authorized
    /// earlier. Stripe declines (`authentication_required`) rather than ask for 3-D Secure.
    pub off_session: bool,
}

impl CreatePaymentIntent {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        f.push("amount", self.amount.to_string());
        f.push("currency", self.currency.to_ascii_lowercase());
        if self.capture_method == CaptureMethod::Manual {
            f.push("capture_method", "manual");
        }
        match self.payment_methods {
            PaymentMethods::Automatic => f.push("automatic_payment_methods[enabled]", "true"),
            PaymentMethods::CardOnly => f.push("payment_method_types[]", "card"),
        }
        f.push_metadata(&self.metadata);
        f.push_opt("description", self.description.as_deref());
        f.push_opt(
            "statement_descriptor_suffix",
            self.statement_descriptor_suffix.as_deref(),
        );
        f.push_opt("receipt_email", self.receipt_email.as_deref());
        if self.confirm {
            f.push("confirm", "true");
        }
        f.push_opt("payment_method", self.payment_method.as_deref());
        f.push_opt("confirmation_token", self.confirmation_token.as_deref());
        if self.moto {
            f.push("payment_method_options[card][moto]", "true");
        }
        f.push_opt("return_url", self.return_url.as_deref());
        f.push_opt("customer", self.customer.as_deref());
        f.push_opt("setup_future_usage", self.setup_future_usage.map(SetupUsage::as_str));
        if self.off_session {
            f.push("off_session", "true");
        }
        f
    }
}

/// How a saved card will be used: `off_session` (charged later without the customer, e.g. by
/// phone) or `on_session` (only with the customer present). Stripe refuses MOTO with `on_session`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SetupUsage {
    #[default]
    OffSession,
    OnSession,
}

impl SetupUsage {
    pub fn as_str(self) -> &'static str {
        match self {
            SetupUsage::OffSession => "off_session",
            SetupUsage::OnSession => "on_session",
        }
    }
}

/// A new Stripe Customer (`metadata` ties it to the till's own customer record), or the
/// changes to one: on update, `None` leaves a field as it is and `Some("")` clears it
/// (Stripe's rule for unsetting a field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateCustomer {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub metadata: Vec<(String, String)>,
}

/// The same fields as a create; see [`CreateCustomer`] for what `None` and `Some("")` mean.
pub type UpdateCustomer = CreateCustomer;

impl CreateCustomer {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        f.push_opt("name", self.name.as_deref());
        f.push_opt("email", self.email.as_deref());
        f.push_opt("phone", self.phone.as_deref());
        f.push_opt("description", self.description.as_deref());
        f.push_metadata(&self.metadata);
        f
    }
}

/// A CustomerSession for the Payment Element: which saved-card features it turns on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCustomerSession {
    pub customer: String,
    /// The "save this card" checkbox.
    pub payment_method_save: bool,
    /// The customer's saved cards shown to choose from.
    pub payment_method_redisplay: bool,
    /// A saved card can be removed (detached) from the Element.
    pub payment_method_remove: bool,
}

impl CreateCustomerSession {
    /// Saving, showing and removing saved cards all enabled.
    pub fn payment_element(customer: impl Into<String>) -> Self {
        CreateCustomerSession { customer: customer.into(), payment_method_save: true, payment_method_redisplay: true, payment_method_remove: true }
    }

    pub(crate) fn form(&self) -> Form {
        let on = |enabled: bool| if enabled { "enabled" } else { "disabled" };
        let mut f = Form::default();
        f.push("customer", self.customer.clone());
        f.push("components[payment_element][enabled]", "true");
        f.push("components[payment_element][features][payment_method_save]", on(self.payment_method_save));
        f.push("components[payment_element][features][payment_method_redisplay]", on(self.payment_method_redisplay));
        f.push("components[payment_element][features][payment_method_remove]", on(self.payment_method_remove));
        f
    }
}

/// A SetupIntent: saves a card on `customer` without a payment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateSetupIntent {
    pub customer: String,
    pub usage: SetupUsage,
    pub payment_methods: PaymentMethods,
    pub metadata: Vec<(String, String)>,
    pub description: Option<String>,
    /// With `confirm`, sets the card up at once (test cards, scripts).
    pub payment_method: Option<String>,
    pub confirm: bool,
}

impl CreateSetupIntent {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        f.push("customer", self.customer.clone());
        f.push("usage", self.usage.as_str());
        match self.payment_methods {
            PaymentMethods::Automatic => f.push("automatic_payment_methods[enabled]", "true"),
            PaymentMethods::CardOnly => f.push("payment_method_types[]", "card"),
        }
        f.push_metadata(&self.metadata);
        f.push_opt("description", self.description.as_deref());
        f.push_opt("payment_method", self.payment_method.as_deref());
        if self.confirm {
            f.push("confirm", "true");
        }
        f
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdatePaymentIntent {
    pub amount: Option<i64>,
    pub description: Option<String>,
    pub metadata: Vec<(String, String)>,
}

impl UpdatePaymentIntent {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        if let Some(a) = self.amount {
            f.push("amount", a.to_string());
        }
        f.push_opt("description", self.description.as_deref());
        f.push_metadata(&self.metadata);
        f
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfirmPaymentIntent {
    pub payment_method: Option<String>,
    pub confirmation_token: Option<String>,
    pub return_url: Option<String>,
}

impl ConfirmPaymentIntent {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        f.push_opt("payment_method", self.payment_method.as_deref());
        f.push_opt("confirmation_token", self.confirmation_token.as_deref());
        f.push_opt("return_url", self.return_url.as_deref());
        f
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundReason {
    Duplicate,
    Fraudulent,
    RequestedByCustomer,
}

impl RefundReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RefundReason::Duplicate => "duplicate",
            RefundReason::Fraudulent => "fraudulent",
            RefundReason::RequestedByCustomer => "requested_by_customer",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreateRefund {
    pub payment_intent: String,
    pub amount: Option<i64>,
    pub reason: Option<RefundReason>,
    pub metadata: Vec<(String, String)>,
}

impl CreateRefund {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        f.push("payment_intent", self.payment_intent.clone());
        if let Some(a) = self.amount {
            f.push("amount", a.to_string());
        }
        f.push_opt("reason", self.reason.map(RefundReason::as_str));
        f.push_metadata(&self.metadata);
        f
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancellationReason {
    Duplicate,
    Fraudulent,
    RequestedByCustomer,
    Abandoned,
}

impl CancellationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            CancellationReason::Duplicate => "duplicate",
            CancellationReason::Fraudulent => "fraudulent",
            CancellationReason::RequestedByCustomer => "requested_by_customer",
            CancellationReason::Abandoned => "abandoned",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    pub limit: Option<u32>,
    pub starting_after: Option<String>,
    pub ending_before: Option<String>,
    pub created_gte: Option<i64>,
    /// Event types (`types[]=`); only meaningful for events.
    pub types: Vec<String>,
}

impl ListParams {
    pub(crate) fn form(&self) -> Form {
        let mut f = Form::default();
        if let Some(l) = self.limit {
            f.push("limit", l.to_string());
        }
        f.push_opt("starting_after", self.starting_after.as_deref());
        f.push_opt("ending_before", self.ending_before.as_deref());
        if let Some(c) = self.created_gte {
            f.push("created[gte]", c.to_string());
        }
        for t in &self.types {
            f.push("types[]", t.clone());
        }
        f
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_params_use_stripe_bracket_syntax() {
        let p = CreatePaymentIntent {
            amount: 1099,
            currency: "EUR".into(),
            capture_method: CaptureMethod::Manual,
            payment_methods: PaymentMethods::CardOnly,
            metadata: vec![("order_id".into(), "o 1&2".into())],
            moto: true,
            ..Default::default()
        };
        assert_eq!(
            p.form().encode(),
            "amount=1099&currency=eur&capture_method=manual&payment_method_types%5B%5D=card\
             &metadata%5Border_id%5D=o+1%262&payment_method_options%5Bcard%5D%5Bmoto%5D=true"
        );
        let l = ListParams {
            types: vec!["charge.refunded".into()],
            created_gte: Some(5),
            ..Default::default()
        };
        assert_eq!(
            l.form().encode(),
            "created%5Bgte%5D=5&types%5B%5D=charge.refunded"
        );
    }

    #[test]
    fn saved_card_params_use_stripe_names() {
        let p = CreatePaymentIntent {
            amount: 500,
            currency: "usd".into(),
            payment_methods: PaymentMethods::CardOnly,
            customer: Some("cus_1".into()),
            setup_future_usage: Some(SetupUsage::OffSession),
            ..Default::default()
        };
        assert_eq!(p.form().encode(), "amount=500&currency=usd&payment_method_types%5B%5D=card&customer=cus_1&setup_future_usage=off_session");
        let p = CreatePaymentIntent { confirm: true, payment_method: Some("pm_1".into()), off_session: true, ..p };
        assert!(p.form().encode().ends_with("&off_session=true"), "{}", p.form().encode());
        assert_eq!(
            CreateCustomerSession::payment_element("cus_1").form().encode(),
            "customer=cus_1&components%5Bpayment_element%5D%5Benabled%5D=true\
             &components%5Bpayment_element%5D%5Bfeatures%5D%5Bpayment_method_save%5D=enabled\
             &components%5Bpayment_element%5D%5Bfeatures%5D%5Bpayment_method_redisplay%5D=enabled\
             &components%5Bpayment_element%5D%5Bfeatures%5D%5Bpayment_method_remove%5D=enabled"
        );
        let s = CreateSetupIntent { customer: "cus_1".into(), payment_methods: PaymentMethods::CardOnly, ..Default::default() };
        assert_eq!(s.form().encode(), "customer=cus_1&usage=off_session&payment_method_types%5B%5D=card");
        let u = UpdateCustomer { email: Some(String::new()), name: Some("Ana".into()), ..Default::default() };
        assert_eq!(u.form().encode(), "name=Ana&email=");
    }
}
