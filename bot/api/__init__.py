"""The JSON API v1 for integrations: issues, rules, buildings; token auth; an OpenAPI document."""
