//! What a plan file calls the records tasks refer to: site and module codes, wave names and
//! owners' emails, looked up by name for an import and by id for an export. Sites, waves
//! and modules are few and read whole; people are read only for the emails or ids asked.

use muster_domain::plan::exchange::table::{Labels, Names};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

use crate::Store;
use crate::entity::{module, person, site, wave};
use crate::error::StoreResult;

/// Values per `IN (...)` list.
const PER_QUERY: usize = 500;

impl Store {
    /// Ids by name for the references of a task list: every site, wave and module of the
    /// program, and the people with `emails` (lower-case).
    pub async fn plan_names(&self, program_id: i64, emails: &[String]) -> StoreResult<Names> {
        let mut names = Names::default();
        for s in site::Entity::find()
            .filter(site::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
        {
            names.sites.insert(s.code.to_uppercase(), s.id);
        }
        for m in module::Entity::find()
            .filter(module::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
        {
            names.modules.insert(m.code.to_uppercase(), m.id);
        }
        for w in wave::Entity::find()
            .filter(wave::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
        {
            // Two waves of one name: the name cannot say which.
            names
                .waves
                .entry(w.name.to_lowercase())
                .and_modify(|id| *id = None)
                .or_insert(Some(w.id));
        }
        for chunk in emails.chunks(PER_QUERY) {
            let found: Vec<(i64, String)> = person::Entity::find()
                .select_only()
                .columns([person::Column::Id, person::Column::Email])
                .filter(person::Column::ProgramId.eq(program_id))
                .filter(person::Column::Email.is_in(chunk.iter().cloned()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (id, email) in found {
                names.people.insert(email.to_lowercase(), id);
            }
        }
        Ok(names)
    }

    /// Names by id for an export: the program's site and module codes and wave names, and
    /// the emails of the people in `owners`.
    pub async fn plan_labels(&self, program_id: i64, owners: &[i64]) -> StoreResult<Labels> {
        let names = self.plan_names(program_id, &[]).await?;
        let mut labels = Labels {
            sites: names
                .sites
                .into_iter()
                .map(|(code, id)| (id, code))
                .collect(),
            modules: names
                .modules
                .into_iter()
                .map(|(code, id)| (id, code))
                .collect(),
            ..Default::default()
        };
        for w in wave::Entity::find()
            .filter(wave::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
        {
            labels.waves.insert(w.id, w.name);
        }
        for chunk in owners.chunks(PER_QUERY) {
            let found: Vec<(i64, String)> = person::Entity::find()
                .select_only()
                .columns([person::Column::Id, person::Column::Email])
                .filter(person::Column::ProgramId.eq(program_id))
                .filter(person::Column::Id.is_in(chunk.iter().copied()))
                .into_tuple()
                .all(&self.db)
                .await?;
            labels.people.extend(found);
        }
        Ok(labels)
    }
}
