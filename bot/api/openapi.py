"""The OpenAPI 3.0 document of /api/v1, checked against the live API by schemathesis in the tests."""

from __future__ import annotations

from typing import Any

from handlers.shared.issue_actions import BY_NAME
from storage.models import STATUSES
from storage.repos.board import SORTS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "what is wrong")
AUTH = {"401": _json(_ref("Error"), "no token, or an unknown or revoked one")}
STRING = {"type": "string"}
# Text a client sends: anything but NUL, which the server refuses (PostgreSQL cannot store it).
TEXT = {"type": "string", "pattern": "^[^\\u0000]*$"}
INT = {"type": "integer"}

ISSUE_FIELDS: dict[str, Any] = {
    "number": INT,
    "status": {"type": "string", "enum": list(STATUSES)},
    "category": STRING,
    "urgent": {"type": "boolean"},
    "overdue": {"type": "boolean"},
    "building": {"type": "string", "nullable": True},
    "text": {
        "type": "string",
        "description": "personal data (phone, ID, plate numbers, e-mails) masked unless the token may see it",
    },
    "people": {"type": "integer", "description": "the reporter and every supporter"},
    "created_at": {"type": "string", "format": "date-time"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": STRING}},
    "IssueRow": {"type": "object", "required": list(ISSUE_FIELDS), "properties": ISSUE_FIELDS},
    "IssuePage": {
        "type": "object",
        "required": ["items", "total", "page", "pages"],
        "properties": {
            "items": {"type": "array", "items": _ref("IssueRow")},
            "total": INT,
            "page": INT,
            "pages": INT,
        },
    },
    "Issue": {
        "type": "object",
        "required": [*ISSUE_FIELDS, "timeline", "media", "rating", "expected_date", "merged_into"],
        "properties": {
            **ISSUE_FIELDS,
            "rating": {"type": "integer", "nullable": True, "enum": [1, 2, 3, None]},
            "expected_date": {
                "type": "string",
                "format": "date",
                "nullable": True,
                "description": "the date promised on acceptance (Shanghai), while accepted or in progress",
            },
            "merged_into": {
                "type": "integer",
                "nullable": True,
                "description": "the issue it was merged into",
            },
            "timeline": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "actor", "note", "at"],
                    "properties": {"kind": STRING, "actor": STRING, "note": STRING, "at": STRING},
                },
            },
            "media": {
                "type": "array",
                "description": "pictures and voice sent with it; url where the token reads personal data",
                "items": {
                    "type": "object",
                    "required": ["id", "kind", "status", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "kind": {"type": "string", "enum": ["image", "voice"]},
                        "status": STRING,
                        "url": {"type": "string", "nullable": True},
                    },
                },
            },
        },
    },
    "Action": {
        "type": "object",
        "required": ["action"],
        "properties": {
            "action": {"type": "string", "enum": list(BY_NAME)},
            "note": {
                **TEXT,
                "description": (
                    "the note; transfer: its target, a space and the reason; recategorise: a category id;"
                    " split: a supporter's id; merge: the number of the issue to fold into this one"
                ),
            },
        },
    },
    "Done": {
        "type": "object",
        "required": ["done", "status"],
        "properties": {"done": STRING, "status": STRING},
    },
    "Pack": {
        "type": "object",
        "required": ["name", "threshold", "categories", "urgency_words"],
        "properties": {
            "name": STRING,
            "threshold": {"type": "number"},
            "urgency_words": {"type": "array", "items": STRING},
            "categories": {
                "type": "array",
                "items": {"type": "object", "required": ["id", "name", "keywords"]},
            },
        },
    },
    "TryIn": {
        "type": "object",
        "required": ["text"],
        "properties": {"text": {**TEXT, "minLength": 1, "maxLength": 500}},
    },
    "Explanation": {
        "type": "object",
        "required": ["tokens", "lines", "winner", "winner_name", "tags", "urgent", "urgent_words", "why"],
        "properties": {
            "tokens": {"type": "array", "items": STRING},
            "lines": {"type": "array", "items": {"type": "object"}},
            "winner": STRING,
            "winner_name": STRING,
            "tags": {"type": "array", "items": STRING},
            "urgent": {"type": "boolean"},
            "urgent_words": {"type": "array", "items": STRING},
            "why": STRING,
        },
    },
    "Building": {
        "type": "object",
        "required": ["code", "name", "aliases", "qr_url"],
        "properties": {
            "code": STRING,
            "name": STRING,
            "aliases": {"type": "array", "items": STRING},
            "qr_url": {"type": "string", "nullable": True},
        },
    },
}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1, "maximum": 2**62},
}
LIST_PARAMS = [
    _query("status", {"type": "string", "enum": [*STATUSES, "open"]}, "a status, or open"),
    _query("category", TEXT, "a category id"),
    _query("building", {"type": "integer", "minimum": 1, "maximum": 2**62}, "a building id"),
    _query("urgent", {"type": "string", "enum": ["1"]}, "only urgent ones"),
    _query("overdue", {"type": "string", "enum": ["1"]}, "only overdue ones"),
    _query("q", TEXT, "text contains"),
    _query("sort", {"type": "string", "enum": list(SORTS)}, "order"),
    _query("page", {"type": "integer", "minimum": 1, "maximum": 100_000}, "page, from 1"),
    _query("size", {"type": "integer", "minimum": 1, "maximum": 100}, "page size"),
]


def document() -> dict[str, Any]:
    body = lambda name: {"required": True, "content": {"application/json": {"schema": _ref(name)}}}  # noqa: E731
    return {
        "openapi": "3.0.3",
        "info": {"title": "louwu (楼务) API", "version": "1"},
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"token": []}],
        "paths": {
            "/api/v1/issues": {
                "get": {
                    "summary": "Issues in the token user's scope, filtered and paged",
                    "parameters": LIST_PARAMS,
                    "responses": {"200": _json(_ref("IssuePage"), "a page of issues"), "400": ERROR, **AUTH},
                }
            },
            "/api/v1/issues/{number}": {
                "get": {
                    "summary": "One issue with its timeline",
                    "parameters": [NUMBER],
                    "responses": {"200": _json(_ref("Issue"), "the issue"), "404": ERROR, **AUTH},
                }
            },
            "/api/v1/issues/{number}/media/{id}": {
                "get": {
                    "summary": "A kept picture (JPEG, without metadata) or voice message of the issue",
                    "parameters": [NUMBER, {**NUMBER, "name": "id"}],
                    "responses": {
                        "200": {
                            "description": "the bytes",
                            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
                        },
                        "403": ERROR,
                        "404": ERROR,
                        **AUTH,
                    },
                }
            },
            "/api/v1/issues/{number}/actions": {
                "post": {
                    "summary": "Act on an issue as the committee does; everyone on it is told",
                    "parameters": [NUMBER],
                    "requestBody": body("Action"),
                    "responses": {
                        "200": _json(_ref("Done"), "done"),
                        "400": ERROR,
                        "404": ERROR,
                        "409": _json(_ref("Error"), "not allowed in the issue's state, or a note is missing"),
                        **AUTH,
                    },
                }
            },
            "/api/v1/rules": {
                "get": {
                    "summary": "The active rule pack",
                    "responses": {"200": _json(_ref("Pack"), "the pack"), **AUTH},
                }
            },
            "/api/v1/rules/try": {
                "post": {
                    "summary": "How a message would be tagged, and why",
                    "requestBody": body("TryIn"),
                    "responses": {"200": _json(_ref("Explanation"), "the explanation"), "400": ERROR, **AUTH},
                }
            },
            "/api/v1/buildings": {
                "get": {
                    "summary": "Buildings in the token user's scope",
                    "responses": {
                        "200": _json({"type": "array", "items": _ref("Building")}, "buildings"),
                        **AUTH,
                    },
                }
            },
        },
    }
