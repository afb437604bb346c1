//! `muster readiness assess`: record the checkpoint assessments that have come due (what
//! the server's tick does), or an assessment of one wave now.

use clap::Subcommand;
use muster_domain::access::Actor;
use muster_domain::audit::Via;
use muster_domain::readiness::assessment::AssessmentDraft;
use muster_store::{Change, Store};

#[derive(Subcommand)]
pub enum ReadinessCommand {
    /// Record assessments: without --wave, each wave's checkpoint that has come due and is
    /// not yet recorded (idempotent); with --wave, that wave's scorecard now
    Assess {
        /// The wave to assess now
        #[arg(long)]
        wave: Option<i64>,
        /// With --wave: the checkpoint it stands for (t120, t90, t60, t30, t7); else ad hoc
        #[arg(long)]
        checkpoint: Option<String>,
        /// The day to assess as of (YYYY-MM-DD); default today
        #[arg(long)]
        today: Option<String>,
    },
}

pub async fn run(store: &Store, actor: Actor, command: ReadinessCommand) -> anyhow::Result<()> {
    let ReadinessCommand::Assess {
        wave,
        checkpoint,
        today,
    } = command;
    let today = match today {
        Some(raw) => {
            muster_domain::text::date(&raw).map_err(|m| anyhow::anyhow!("--today: {m}"))?
        }
        None => chrono::Utc::now().date_naive(),
    };
    match wave {
        Some(wave) => {
            let spec = AssessmentDraft {
                wave_id: Some(wave.to_string()),
                checkpoint,
            }
            .parse()
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let a = store
                .record_readiness_assessment(&Change::new(&actor, Via::Cli), spec, today)
                .await?;
            println!(
                "Recorded assessment {} of wave {} ({}, {} sites).",
                a.id,
                a.wave_id,
                a.label(),
                a.scorecard.sites.len()
            );
        }
        None => {
            let taken = store
                .record_due_assessments(actor.program_id, today)
                .await?;
            for a in &taken {
                println!(
                    "Recorded {} assessment {} of wave {}.",
                    a.label(),
                    a.id,
                    a.wave_id
                );
            }
            if taken.is_empty() {
                println!("No checkpoint assessment due on {today}.");
            }
        }
    }
    Ok(())
}
