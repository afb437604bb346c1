//! EHR modules: the applications that go live.

use chrono::Utc;
use muster_domain::module::{Module, ModuleId, ModuleSpec};
use muster_domain::paging::{Cursor, Page};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter, QueryOrder};

use crate::audit::Change;
use crate::entity::{decision_right, known_issue, module, support_team};
use crate::error::{StoreError, StoreResult, UniqueField, describe_uses};
use crate::raw::statement;
use crate::{Store, paging};

const ENTITY: &str = "module";
const UNIQUE: &[UniqueField] = &[
    UniqueField {
        index: "ux_module_code",
        column: "module.code",
        field: "code",
        message: "another module already has this code",
    },
    UniqueField {
        index: "ux_module_bit",
        column: "module.bit",
        field: "code",
        message: "another module was added at the same moment; try again",
    },
];

/// How many modules a program may have: each has a bit of its own in a person's
/// training status (migration 0030).
pub const MODULES_PER_PROGRAM: i64 = 63;

/// The other rows that name a module, counted in one statement (six values: the module).
const OTHER_USES: &str = "SELECT \
     (SELECT COUNT(*) FROM ticket WHERE module_id = ?) AS tickets, \
     (SELECT COUNT(*) FROM change_request WHERE module_id = ?) AS change_requests, \
     (SELECT COUNT(*) FROM course WHERE module_id = ?) AS courses, \
     (SELECT COUNT(*) FROM curriculum WHERE module_id = ?) AS curricula, \
     (SELECT COUNT(*) FROM plan_task WHERE module_id = ?) AS tasks, \
     (SELECT COUNT(*) FROM lesson WHERE module_id = ?) AS lessons";

#[derive(FromQueryResult)]
struct OtherUses {
    tickets: i64,
    change_requests: i64,
    courses: i64,
    curricula: i64,
    tasks: i64,
    lessons: i64,
}

fn to_module(m: module::Model) -> Module {
    Module {
        id: m.id,
        code: m.code,
        name: m.name,
        description: m.description,
    }
}

fn module_row(
    program_id: i64,
    spec: ModuleSpec,
    now: chrono::DateTime<Utc>,
) -> module::ActiveModel {
    module::ActiveModel {
        id: NotSet,
        program_id: Set(program_id),
        code: Set(spec.code.as_str().into()),
        name: Set(spec.name.into_string()),
        description: Set(spec.description),
        created_at: Set(now),
        updated_at: Set(now),
        bit: NotSet,
    }
}

impl Store {
    #[tracing::instrument(skip(self))]
    pub async fn list_modules(
        &self,
        program_id: i64,
        search: Option<&str>,
        cursor: Option<&Cursor>,
        limit: u64,
    ) -> StoreResult<Page<Module>> {
        use module::Column as C;
        let mut query = module::Entity::find().filter(C::ProgramId.eq(program_id));
        if let Some(text) = search {
            query = query.filter(crate::filter::contains(&[C::Name, C::Code], text));
        }
        let total = query.clone().count(&self.db).await?;
        let rows = paging::after(query, C::Name, C::Id, cursor, limit)
            .all(&self.db)
            .await?;
        let items = rows.into_iter().map(to_module).collect();
        Ok(paging::page(items, limit, total, |m: &Module| {
            (m.name.clone(), m.id)
        }))
    }

    pub async fn module(&self, program_id: i64, id: ModuleId) -> StoreResult<Module> {
        module::Entity::find_by_id(id)
            .filter(module::Column::ProgramId.eq(program_id))
            .one(&self.db)
            .await?
            .map(to_module)
            .ok_or_else(|| StoreError::not_found(ENTITY, id))
    }

    /// Every module of the program, by name (for choosers; a program has tens).
    pub async fn all_modules(&self, program_id: i64) -> StoreResult<Vec<Module>> {
        Ok(module::Entity::find()
            .filter(module::Column::ProgramId.eq(program_id))
            .order_by_asc(module::Column::Name)
            .all(&self.db)
            .await?
            .into_iter()
            .map(to_module)
            .collect())
    }

    /// The lowest bit no module of the program holds; a refusal past
    /// `MODULES_PER_PROGRAM`.
    async fn free_module_bit(&self, program_id: i64) -> StoreResult<i64> {
        let taken: Vec<i64> = module::Entity::find()
            .filter(module::Column::ProgramId.eq(program_id))
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|m| m.bit)
            .collect();
        (0..MODULES_PER_PROGRAM)
            .find(|bit| !taken.contains(bit))
            .ok_or_else(|| {
                StoreError::Refused(format!(
                    "a program has at most {MODULES_PER_PROGRAM} modules; this one has them all"
                ))
            })
    }

    /// A chosen module is one of the program's: else a field error on `module_id`.
    pub(crate) async fn check_module_choice(
        &self,
        program_id: i64,
        id: Option<ModuleId>,
    ) -> StoreResult<()> {
        let Some(id) = id else { return Ok(()) };
        match self.module(program_id, id).await {
            Err(StoreError::NotFound { .. }) => Err(StoreError::invalid(
                "module_id",
                format!("there is no module {id}"),
            )),
            other => other.map(drop),
        }
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn create_module(
        &self,
        change: &Change<'_>,
        spec: ModuleSpec,
    ) -> StoreResult<Module> {
        let row = module::ActiveModel {
            bit: Set(Some(self.free_module_bit(change.program_id()).await?)),
            ..module_row(change.program_id(), spec, Utc::now())
        };
        self.insert_audited(change, ENTITY, row, UNIQUE, |m| Ok(to_module(m)), |m| m.id)
            .await
    }

    #[tracing::instrument(skip(self, change))]
    pub async fn update_module(
        &self,
        change: &Change<'_>,
        id: ModuleId,
        spec: ModuleSpec,
    ) -> StoreResult<Module> {
        let before = self.module(change.program_id(), id).await?;
        let row = module::ActiveModel {
            id: Set(id),
            created_at: NotSet,
            ..module_row(change.program_id(), spec, Utc::now())
        };
        self.update_audited(change, ENTITY, id, &before, row, UNIQUE, |m| {
            Ok(to_module(m))
        })
        .await
    }

    /// Deletes a module nothing names: refused, saying what does, while a support team,
    /// known issue, decision right, champion, wave, ticket, change request, course,
    /// curriculum, plan task or lesson does.
    #[tracing::instrument(skip(self, change))]
    pub async fn delete_module(&self, change: &Change<'_>, id: ModuleId) -> StoreResult<()> {
        let before = self.module(change.program_id(), id).await?;
        let db = &self.db;
        let teams = support_team::Entity::find()
            .filter(support_team::Column::ModuleId.eq(id))
            .count(db)
            .await?;
        let issues = known_issue::Entity::find()
            .filter(known_issue::Column::ModuleId.eq(id))
            .count(db)
            .await?;
        let rights = decision_right::Entity::find()
            .filter(decision_right::Column::ModuleId.eq(id))
            .count(db)
            .await?;
        let champions = self
            .champions_of(crate::champion::ChampionRef::Module, id)
            .await?;
        let waves = crate::entity::wave_module::Entity::find()
            .filter(crate::entity::wave_module::Column::ModuleId.eq(id))
            .count(db)
            .await?;
        let other =
            OtherUses::find_by_statement(statement(self.backend(), OTHER_USES, vec![id.into(); 6]))
                .one(db)
                .await?
                .ok_or_else(|| StoreError::Corrupt("a count returned no row".into()))?;
        let uses = describe_uses(&[
            (teams, "support team"),
            (issues, "known issue"),
            (rights, "decision right"),
            (champions, "champion"),
            (waves, "wave"),
            (other.tickets as u64, "ticket"),
            (other.change_requests as u64, "change request"),
            (other.courses as u64, "course"),
            (other.curricula as u64, "curriculum"),
            (other.tasks as u64, "plan task"),
            (other.lessons as u64, "lesson"),
        ]);
        if let Some(uses) = uses {
            return Err(StoreError::InUse(format!(
                "module {} is still named by {uses}",
                before.code
            )));
        }
        self.delete_audited::<module::Entity, _>(change, ENTITY, id, &before)
            .await
    }
}
