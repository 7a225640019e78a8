//! The Stripe.js stand-in, served under `/v3/` like `https://js.stripe.com/v3/`.

pub const STRIPE_JS: &str = include_str!("stripe.js");
pub const PAYMENT_FRAME: &str = include_str!("payment-frame.html");
pub const CHALLENGE_PAGE: &str = include_str!("challenge.html");
