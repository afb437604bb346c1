//! `muster user` and `muster token`: accounts and API tokens from the command line.

use std::io::{BufRead, IsTerminal};

use anyhow::Context;
use clap::Subcommand;
use muster_domain::access::{AccessRole, Actor};
use muster_domain::account::{Password, new_api_token, secret_digest};
use muster_domain::audit::Via;
use muster_domain::text::{Email, Name};
use muster_store::account::NewAccount;
use muster_store::{Change, Store};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password comes from MUSTER_PASSWORD, else from standard input
    /// when it is not a terminal, else it is generated and printed once.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, program_lead, site_lead, analyst, trainer, champion, end_user, vendor, executive
        #[arg(long)]
        role: String,
        /// A site (code or id) the account is limited to; repeat for several
        #[arg(long = "site")]
        sites: Vec<String>,
        /// The firm of a vendor account (vendors see only their firm's records)
        #[arg(long)]
        organization: Option<String>,
    },
    /// List accounts
    List,
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account; it is printed once and stored hashed
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, e.g. "LMS sync"
        #[arg(long, default_value = "command line")]
        label: String,
    },
}

fn password_from_outside() -> anyhow::Result<Option<String>> {
    if let Ok(pw) = std::env::var("MUSTER_PASSWORD") {
        return Ok(Some(pw));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Ok(None);
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let line = line.trim_end_matches(['\n', '\r']).to_owned();
    Ok((!line.is_empty()).then_some(line))
}

pub async fn user(store: &Store, operator: Actor, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            email,
            name,
            role,
            sites,
            organization,
        } => {
            let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email {e}"))?;
            let name = Name::parse(&name).map_err(|e| anyhow::anyhow!("--name {e}"))?;
            let role = AccessRole::parse(&role).map_err(|e| anyhow::anyhow!("--role {e}"))?;
            let all_sites = store.all_sites(operator.program_id).await?;
            let mut site_ids = Vec::new();
            for wanted in &sites {
                let site = all_sites
                    .iter()
                    .find(|s| s.code.eq_ignore_ascii_case(wanted) || s.id.to_string() == *wanted)
                    .with_context(|| {
                        format!("--site {wanted}: there is no site with this code or id")
                    })?;
                site_ids.push(site.id);
            }
            if matches!(role, AccessRole::SiteLead | AccessRole::Champion) && site_ids.is_empty() {
                anyhow::bail!(
                    "--site is required for the {} role (it sees only its sites)",
                    role.code()
                );
            }
            if role == AccessRole::Vendor && organization.is_none() {
                anyhow::bail!(
                    "--organization is required for the vendor role (it sees only its firm's records)"
                );
            }
            let (password, generated) = match password_from_outside()? {
                Some(raw) => (
                    Password::parse(&raw).map_err(|e| anyhow::anyhow!("the password {e}"))?,
                    false,
                ),
                None => (Password::generate(), true),
            };
            let shown = generated.then(|| password.expose().to_owned());
            let hash = tokio::task::spawn_blocking(move || password.hash()).await?;
            let new = NewAccount {
                email,
                name,
                password_hash: hash,
                role,
                site_ids,
                organization,
            };
            let account = store
                .create_account(&Change::new(&operator, Via::Cli), new)
                .await?;
            println!(
                "Created account {} ({}) with role {}.",
                account.email,
                account.name,
                account.role.code()
            );
            if let Some(pw) = shown {
                println!("Its password, shown this once: {pw}");
            }
        }
        UserCommand::List => {
            println!("{:<36} {:<14} {:<28} sites", "email", "role", "name");
            for a in store.accounts(operator.program_id).await? {
                let sites = a
                    .site_ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                println!(
                    "{:<36} {:<14} {:<28} {}",
                    a.email,
                    a.role.code(),
                    a.name,
                    sites
                );
            }
        }
    }
    Ok(())
}

pub async fn token(store: &Store, operator: Actor, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { email, label } => {
            let account = store
                .account_by_email(&email)
                .await
                .with_context(|| format!("--email {email}"))?;
            let token = new_api_token();
            store
                .create_api_token(
                    &Change::new(&operator, Via::Cli),
                    account.id,
                    &label,
                    secret_digest(&token),
                )
                .await?;
            println!(
                "API token for {} (shown this once; send it as 'Authorization: Bearer <token>'):",
                account.email
            );
            println!("{token}");
        }
    }
    Ok(())
}
