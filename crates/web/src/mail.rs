//! Mail over SMTP: a plain client for the site's relay (RFC 5321: EHLO, MAIL, RCPT, DATA),
//! and the task that sends queued notifications. Without SMTP configured, nothing is queued.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::AppState;

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// The sender address, e.g. `muster@hospital.example`.
    pub from: String,
}

type Conn = BufReader<TcpStream>;

async fn reply(conn: &mut Conn) -> Result<u16, String> {
    let mut code = 0;
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line).await.map_err(|e| e.to_string())? == 0 {
            return Err("the mail server closed the connection".into());
        }
        code = line.get(..3).and_then(|c| c.parse().ok()).unwrap_or(code);
        if line.as_bytes().get(3) != Some(&b'-') {
            return Ok(code);
        }
    }
}

async fn command(conn: &mut Conn, line: &str, expect: u16) -> Result<(), String> {
    conn.get_mut()
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let code = reply(conn).await?;
    if code / 100 != expect / 100 {
        return Err(format!(
            "the mail server answered {code} to {}",
            line.split(' ').next().unwrap_or(line)
        ));
    }
    Ok(())
}

/// Only printable ASCII in headers (addresses and subject come from our own data).
fn header_safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .collect()
}

/// Sends one plain-text message.
pub async fn send(config: &SmtpConfig, to: &str, subject: &str, body: &str) -> Result<(), String> {
    let stream = tokio::time::timeout(
        Duration::from_secs(10),
        TcpStream::connect((config.host.as_str(), config.port)),
    )
    .await
    .map_err(|_| "the mail server did not answer within 10 s".to_string())?
    .map_err(|e| e.to_string())?;
    let mut conn = BufReader::new(stream);
    if reply(&mut conn).await? != 220 {
        return Err("the mail server refused the connection".into());
    }
    command(&mut conn, "EHLO muster", 250).await?;
    command(
        &mut conn,
        &format!("MAIL FROM:<{}>", header_safe(&config.from)),
        250,
    )
    .await?;
    command(&mut conn, &format!("RCPT TO:<{}>", header_safe(to)), 250).await?;
    command(&mut conn, "DATA", 354).await?;
    let mut message = format!(
        "From: Muster <{}>\r\nTo: <{}>\r\nSubject: {}\r\nDate: {}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
        header_safe(&config.from),
        header_safe(to),
        header_safe(subject),
        chrono::Utc::now().to_rfc2822(),
    );
    for line in body.lines() {
        // Dot-stuffing: a line starting with "." gets another.
        if line.starts_with('.') {
            message.push('.');
        }
        message.push_str(line);
        message.push_str("\r\n");
    }
    message.push('.');
    command(&mut conn, &message, 250).await?;
    let _ = command(&mut conn, "QUIT", 221).await;
    Ok(())
}

/// Sends queued notification mail every `every` until the process ends.
pub async fn run_mailer(state: AppState, config: SmtpConfig, every: Duration) {
    loop {
        match state.store.pending_mail(50).await {
            Ok(mails) => {
                for mail in mails {
                    let subject = mail.message.chars().take(70).collect::<String>();
                    let body = format!("{}\n\nOpen Muster to see the details.\n", mail.message);
                    let result = send(&config, &mail.to, &subject, &body).await;
                    if let Err(e) = &result {
                        tracing::warn!(error = %e, "mail not sent");
                    }
                    if let Err(e) = state.store.mail_sent(mail.id, result).await {
                        tracing::error!(error = %e, "could not record a sent mail");
                    }
                }
            }
            Err(e) => tracing::error!(error = %e, "could not read the mail queue"),
        }
        tokio::time::sleep(every).await;
    }
}

/// Records breaches, escalates and closes by the rules every `every`.
pub async fn run_sweeper(state: AppState, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        match state.store.sweep_all(chrono::Utc::now()).await {
            Ok(report) if report != Default::default() => {
                tracing::info!(?report, "command center rules applied")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "sweep failed"),
        }
    }
}
