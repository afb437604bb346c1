//! The OpenAPI description of a resource's API, built from the same `Resource` impl that
//! serves it, so the document cannot drift from the routes.

use utoipa::ToSchema;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
use utoipa::openapi::{ContentBuilder, OpenApi, Ref, Required, ResponseBuilder};

use super::Resource;

pub fn json_ref(name: &str) -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(Ref::from_schema_name(name)))
        .build()
}

pub fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", json_ref("Problem"))
        .build()
}

fn param(
    name: &str,
    location: ParameterIn,
    description: &str,
    required: bool,
    kind: Type,
) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(location)
        .description(Some(description))
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .schema(Some(ObjectBuilder::new().schema_type(kind)))
        .build()
}

fn register<T: ToSchema>(doc: &mut OpenApi) {
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .insert(T::name().into_owned(), T::schema());
    let mut nested = Vec::new();
    T::schemas(&mut nested);
    components.schemas.extend(nested);
}

/// Adds `R`'s five operations and schemas to `doc`.
pub fn describe<R: Resource>(doc: &mut OpenApi) {
    register::<R::Item>(doc);
    register::<R::Draft>(doc);
    let item = R::Item::name().into_owned();
    let draft = R::Draft::name().into_owned();
    let tag = R::TITLE;
    let list_path = format!("/api/v1/{}", R::PATH);
    let one_path = format!("/api/v1/{}/{{id}}", R::PATH);
    let id = || {
        param(
            "id",
            ParameterIn::Path,
            &format!("the {}'s id", R::SINGULAR),
            true,
            Type::Integer,
        )
    };
    let page_schema = ObjectBuilder::new()
        .property(
            "items",
            ArrayBuilder::new().items(Ref::from_schema_name(&item)),
        )
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some(
                    "pass as `cursor` for the next page; absent on the last",
                )),
        )
        .property(
            "total",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .description(Some("rows matching the filters in all pages")),
        )
        .required("total");
    let body = || {
        RequestBodyBuilder::new()
            .content("application/json", json_ref(&draft))
            .required(Some(Required::True))
            .build()
    };
    let ok = |text: &str| {
        ResponseBuilder::new()
            .description(text)
            .content("application/json", json_ref(&item))
            .build()
    };

    let mut list = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("list_{}", R::PATH)))
        .summary(Some(format!("List {}", R::PATH)))
        .parameter(param(
            "cursor",
            ParameterIn::Query,
            "where the page starts (from `next_cursor`)",
            false,
            Type::String,
        ))
        .parameter(param(
            "limit",
            ParameterIn::Query,
            "rows per page, 1 to 500 (default 50)",
            false,
            Type::Integer,
        ))
        .response(
            "200",
            ResponseBuilder::new().description("a page").content(
                "application/json",
                ContentBuilder::new().schema(Some(page_schema)).build(),
            ),
        );
    for (name, description) in R::query_params() {
        list = list.parameter(param(
            name,
            ParameterIn::Query,
            description,
            false,
            Type::String,
        ));
    }
    let errors = |op: OperationBuilder, codes: &[(&str, &str)]| {
        codes.iter().fold(op, |op, (code, text)| {
            op.response(*code, problem_response(text))
        })
    };
    let common = [
        ("401", "not signed in"),
        ("403", "your role or site assignment does not allow this"),
    ];
    let paths = &mut doc.paths;
    paths.add_path_operation(
        &list_path,
        vec![HttpMethod::Get],
        errors(
            list,
            &[common[0], common[1], ("400", "a bad query parameter")],
        )
        .build(),
    );
    let create = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("create_{}", R::SINGULAR)))
        .summary(Some(format!("Create a {}", R::SINGULAR)))
        .request_body(Some(body()))
        .response("201", ok("created; `Location` names it"));
    let create = errors(
        create,
        &[
            common[0],
            common[1],
            ("400", "malformed JSON"),
            ("409", "clashes with a stored record"),
            ("415", "not JSON"),
            ("422", "fields that need attention"),
        ],
    );
    paths.add_path_operation(&list_path, vec![HttpMethod::Post], create.build());
    let get = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("get_{}", R::SINGULAR)))
        .summary(Some(format!("Get a {}", R::SINGULAR)))
        .parameter(id())
        .response("200", ok("the record"));
    paths.add_path_operation(
        &one_path,
        vec![HttpMethod::Get],
        errors(get, &[common[0], common[1], ("404", "no such record")]).build(),
    );
    let patch = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("update_{}", R::SINGULAR)))
        .summary(Some(format!(
            "Change a {} (fields not sent are kept)",
            R::SINGULAR
        )))
        .parameter(id())
        .request_body(Some(body()))
        .response("200", ok("the changed record"));
    let patch = errors(
        patch,
        &[
            common[0],
            common[1],
            ("404", "no such record"),
            ("409", "clashes with a stored record"),
            ("422", "fields that need attention"),
        ],
    );
    paths.add_path_operation(&one_path, vec![HttpMethod::Patch], patch.build());
    let delete = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("delete_{}", R::SINGULAR)))
        .summary(Some(format!("Delete a {}", R::SINGULAR)))
        .parameter(id())
        .response("204", ResponseBuilder::new().description("deleted").build());
    let delete = errors(
        delete,
        &[
            common[0],
            common[1],
            ("404", "no such record"),
            ("409", "still referenced by other records"),
        ],
    );
    paths.add_path_operation(&one_path, vec![HttpMethod::Delete], delete.build());
}
