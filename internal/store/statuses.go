package store

import "pilar/internal/finance"

// statusArg binds a named set of disbursement statuses (finance.Committed,
// finance.Realized, finance.Live, …) as one query argument, written
// "d.status IN ?" in the SQL; GORM expands it to (?, ?, …). It is the one
// place where what a status means meets SQL: no status is spelled in a
// query's text. (The partial unique index of migration 00001 cannot take
// arguments and keeps finance.Void as a literal.)
func statusArg(set finance.StatusSet) []string { return set.Strings() }
