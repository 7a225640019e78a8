//! `paydesk customer …`: the customer directory from the command line.

use std::io::Write;

use paydesk_core::customer::CustomerInput;
use paydesk_core::keys;
use paydesk_core::paths::Paths;
use paydesk_core::store::{Customer, Store};

use crate::args::{CustomerArgs, CustomerCommand};
use crate::commands::{print, CliError};

pub(crate) fn run(command: &CustomerCommand, paths: &Paths, json: bool, out: &mut dyn Write) -> Result<(), CliError> {
    match command {
        CustomerCommand::New(args) => {
            // Checked before the database is opened: bad input changes nothing.
            let spec = input(args).validate()?;
            let mut store = Store::open_in(&paths.data_dir)?;
            let mode = keys::current_mode(&store)?;
            let customer = store.create_customer(mode, &spec)?;
            print(out, json, &customer, || customer_text(&customer))
        }
        CustomerCommand::List { search, limit } => {
            let store = Store::open_in(&paths.data_dir)?;
            let customers = store.list_customers(keys::current_mode(&store)?, search.as_deref(), *limit as usize)?;
            print(out, json, &serde_json::json!({ "customers": customers }), || list_text(&customers))
        }
        CustomerCommand::Show { reference } => {
            let store = Store::open_in(&paths.data_dir)?;
            let customer = store.find_customer(keys::current_mode(&store)?, reference)?;
            print(out, json, &customer, || customer_text(&customer))
        }
        CustomerCommand::Edit { reference, details } => {
            let spec = input(details).validate()?;
            let mut store = Store::open_in(&paths.data_dir)?;
            let mode = keys::current_mode(&store)?;
            let id = store.find_customer(mode, reference)?.id;
            let customer = store.edit_customer(mode, &id, &spec)?;
            print(out, json, &customer, || customer_text(&customer))
        }
        CustomerCommand::Remove { reference } => {
            let mut store = Store::open_in(&paths.data_dir)?;
            let mode = keys::current_mode(&store)?;
            let id = store.find_customer(mode, reference)?.id;
            let customer = store.remove_customer(mode, &id)?;
            print(out, json, &customer, || format!("removed C{} {} from the directory", customer.number, customer.name))
        }
        CustomerCommand::Cards { reference } => {
            let store = Store::open_in(&paths.data_dir)?;
            let id = store.find_customer(keys::current_mode(&store)?, reference)?.id;
            crate::payments::saved_cards(&id, None, store, paths, json, out)
        }
        CustomerCommand::RemoveCard { reference, payment_method } => {
            let store = Store::open_in(&paths.data_dir)?;
            let id = store.find_customer(keys::current_mode(&store)?, reference)?.id;
            crate::payments::saved_cards(&id, Some(payment_method), store, paths, json, out)
        }
    }
}

fn input(args: &CustomerArgs) -> CustomerInput {
    CustomerInput { name: args.name.clone(), email: args.email.clone(), phone: args.phone.clone(), note: args.note.clone() }
}

fn customer_text(customer: &Customer) -> String {
    let mut text = format!("C{}  {}", customer.number, customer.name);
    for value in [&customer.email, &customer.phone, &customer.note].into_iter().flatten() {
        text.push_str(&format!("\n    {value}"));
    }
    text
}

fn list_text(customers: &[Customer]) -> String {
    if customers.is_empty() {
        return "no customers".into();
    }
    customers
        .iter()
        .map(|c| format!("C{:<5} {:<30} {:<28} {}", c.number, c.name, c.email.as_deref().unwrap_or(""), c.phone.as_deref().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("\n")
}
