//! Stripe's documented test cards (shared/stripe/TEST-CARDS.md) and their outcomes.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decline {
    pub code: &'static str,
    pub decline_code: Option<&'static str>,
    pub message: &'static str,
    /// `charge.outcome.type`: Radar blocks never reach the network.
    pub blocked: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Succeed,
    Decline(Decline),
    /// 3-D Secure challenge; `after` is the decline that follows a completed challenge.
    /// `once_set_up`: no challenge once the card was set up for future use (4000002500003155).
    Authenticate { after: Option<Decline>, once_set_up: bool },
    /// Attaching to a Customer (the card check) succeeds; every charge is declined.
    DeclineCharges(Decline),
    RefundFails,
    Dispute,
}

/// The card checks a test card reports: which of Stripe's check results it gives when the
/// field was provided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckRule {
    Pass,
    CvcFail,
    PostalFail,
    Line1Fail,
    AddressFail,
    AddressUnavailable,
}

#[derive(Debug, Clone, Copy)]
pub struct TestCard {
    pub number: &'static str,
    pub pm_alias: &'static str,
    pub brand: &'static str,
    pub funding: &'static str,
    pub country: &'static str,
    pub behaviour: Behaviour,
    pub checks: CheckRule,
}

const GENERIC: Decline = Decline { code: "card_declined", decline_code: Some("generic_decline"), message: "Your card was declined.", blocked: false };
const INSUFFICIENT: Decline = Decline { code: "card_declined", decline_code: Some("insufficient_funds"), message: "Your card has insufficient funds.", blocked: false };

const fn visa(number: &'static str, pm_alias: &'static str, behaviour: Behaviour) -> TestCard {
    TestCard { number, pm_alias, brand: "visa", funding: "credit", country: "US", behaviour, checks: CheckRule::Pass }
}

const fn checked(number: &'static str, pm_alias: &'static str, checks: CheckRule) -> TestCard {
    TestCard { number, pm_alias, brand: "visa", funding: "credit", country: "US", behaviour: Behaviour::Succeed, checks }
}

/// Stripe's decline of an off-session payment whose card asks for authentication.
pub const AUTHENTICATION_REQUIRED: Decline = Decline {
    code: "authentication_required",
    decline_code: Some("authentication_required"),
    message: "Your card was declined. This transaction requires authentication.",
    blocked: false,
};

pub static CARDS: &[TestCard] = &[
    visa("4242424242424242", "pm_card_visa", Behaviour::Succeed),
    TestCard { number: "4000056655665556", pm_alias: "pm_card_visa_debit", brand: "visa", funding: "debit", country: "US", behaviour: Behaviour::Succeed, checks: CheckRule::Pass },
    TestCard { number: "5555555555554444", pm_alias: "pm_card_mastercard", brand: "mastercard", funding: "credit", country: "US", behaviour: Behaviour::Succeed, checks: CheckRule::Pass },
    TestCard { number: "378282246310005", pm_alias: "pm_card_amex", brand: "amex", funding: "credit", country: "US", behaviour: Behaviour::Succeed, checks: CheckRule::Pass },
    TestCard { number: "6011111111111117", pm_alias: "pm_card_discover", brand: "discover", funding: "credit", country: "US", behaviour: Behaviour::Succeed, checks: CheckRule::Pass },
    TestCard { number: "3566002020360505", pm_alias: "pm_card_jcb", brand: "jcb", funding: "credit", country: "JP", behaviour: Behaviour::Succeed, checks: CheckRule::Pass },
    visa("4000000000000002", "pm_card_chargeDeclined", Behaviour::Decline(GENERIC)),
    visa("4000000000009995", "pm_card_chargeDeclinedInsufficientFunds", Behaviour::Decline(INSUFFICIENT)),
    visa("4000000000009987", "pm_card_chargeDeclinedLostCard", Behaviour::Decline(Decline { code: "card_declined", decline_code: Some("lost_card"), message: "Your card was declined.", blocked: false })),
    visa("4000000000009979", "pm_card_chargeDeclinedStolenCard", Behaviour::Decline(Decline { code: "card_declined", decline_code: Some("stolen_card"), message: "Your card was declined.", blocked: false })),
    visa("4000000000000069", "pm_card_chargeDeclinedExpiredCard", Behaviour::Decline(Decline { code: "expired_card", decline_code: None, message: "Your card has expired.", blocked: false })),
    visa("4000000000000127", "pm_card_chargeDeclinedIncorrectCvc", Behaviour::Decline(Decline { code: "incorrect_cvc", decline_code: None, message: "Your card's security code is incorrect.", blocked: false })),
    visa("4000000000000119", "pm_card_chargeDeclinedProcessingError", Behaviour::Decline(Decline { code: "processing_error", decline_code: None, message: "An error occurred while processing your card. Try again in a little bit.", blocked: false })),
    visa("4100000000000019", "pm_card_radarBlock", Behaviour::Decline(Decline { code: "card_declined", decline_code: Some("fraudulent"), message: "Your card was declined.", blocked: true })),
    // The PaymentMethod aliases below are Stripe's; TEST-CARDS.md lists only the numbers.
    visa("4000002500003155", "pm_card_authenticationRequiredOnSetup", Behaviour::Authenticate { after: None, once_set_up: true }),
    visa("4000002760003184", "pm_card_authenticationRequired", Behaviour::Authenticate { after: None, once_set_up: false }),
    visa("4000008260003178", "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds", Behaviour::Authenticate { after: Some(INSUFFICIENT), once_set_up: false }),
    visa("4000000000003220", "pm_card_threeDSecure2Required", Behaviour::Authenticate { after: None, once_set_up: false }),
    visa("4000000000003055", "pm_card_threeDSecureOptional", Behaviour::Succeed),
    visa("4000000000005126", "pm_card_refundFail", Behaviour::RefundFails),
    visa("4000000000000259", "pm_card_createDispute", Behaviour::Dispute),
    checked("4000000000000101", "pm_card_cvcCheckFail", CheckRule::CvcFail),
    checked("4000000000000036", "pm_card_avsZipFail", CheckRule::PostalFail),
    checked("4000000000000028", "pm_card_avsLine1Fail", CheckRule::Line1Fail),
    checked("4000000000000010", "pm_card_avsFail", CheckRule::AddressFail),
    checked("4000000000000044", "pm_card_avsUnchecked", CheckRule::AddressUnavailable),
    visa("4000000000000341", "pm_card_chargeCustomerFail", Behaviour::DeclineCharges(GENERIC)),
];

/// `[cvc_check, address_postal_code_check, address_line1_check]` for the fields that were
/// given (`None`, Stripe's null, for a field that was not).
pub fn check_results(rule: CheckRule, cvc: bool, postal: bool, line1: bool) -> [Option<&'static str>; 3] {
    let result = |given: bool, fails: bool, unavailable: bool| {
        given.then_some(if fails { "fail" } else if unavailable { "unavailable" } else { "pass" })
    };
    let unavailable = rule == CheckRule::AddressUnavailable;
    [
        result(cvc, rule == CheckRule::CvcFail, false),
        result(postal, matches!(rule, CheckRule::PostalFail | CheckRule::AddressFail), unavailable),
        result(line1, matches!(rule, CheckRule::Line1Fail | CheckRule::AddressFail), unavailable),
    ]
}

pub fn by_number(number: &str) -> Option<&'static TestCard> {
    CARDS.iter().find(|c| c.number == number)
}

pub fn by_alias(alias: &str) -> Option<&'static TestCard> {
    CARDS.iter().find(|c| c.pm_alias == alias)
}

pub fn luhn_ok(number: &str) -> bool {
    if number.len() < 12 || number.len() > 19 || !number.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = number
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    // is_multiple_of needs Rust 1.87; the workspace supports 1.85.
    #[allow(clippy::manual_is_multiple_of)]
    let valid = sum % 10 == 0;
    valid
}

/// Brand of a card number outside the test table, used in the "live card in test mode" decline.
pub fn brand_of(number: &str) -> &'static str {
    match number.as_bytes().first() {
        Some(b'4') => "visa",
        Some(b'5') | Some(b'2') => "mastercard",
        Some(b'3') if number.starts_with("34") || number.starts_with("37") => "amex",
        Some(b'3') => "jcb",
        Some(b'6') => "discover",
        _ => "unknown",
    }
}

pub const LIVE_CARD_IN_TEST_MODE: Decline = Decline {
    code: "card_declined",
    decline_code: Some("test_mode_live_card"),
    message: "Your card was declined. Your request was in test mode, but used a non test (live) card. For a list of valid test cards, visit: https://stripe.com/docs/testing.",
    blocked: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_card_passes_luhn() {
        for c in CARDS {
            assert!(luhn_ok(c.number), "{}", c.number);
        }
        assert!(!luhn_ok("4242424242424241"));
    }
}
