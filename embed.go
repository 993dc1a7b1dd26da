// Package pilar embeds the files the binary carries: SQL migrations, page
// templates and static assets. (go:embed cannot reach parent folders, so
// this file sits at the module root.)
package pilar

import "embed"

// Migrations holds migrations/sqlite and migrations/postgres.
//
//go:embed migrations
var Migrations embed.FS

// Templates holds the page templates.
//
//go:embed templates
var Templates embed.FS

// Static holds stylesheets and other assets served under /static.
//
//go:embed static
var Static embed.FS
