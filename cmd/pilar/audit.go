package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// errAuditBroken is the failure of audit verify; the entry is printed before.
var errAuditBroken = errors.New("audit trail: the hash chain is broken (see the entry above)")

// auditVerify walks the audit trail's hash chain. When an entry does not
// fit, it prints that entry as JSON and fails, so the exit code is 1. With
// --checkpoint ID:HASH (from `pilar audit checkpoint`, kept outside the
// database) it also fails when that entry is gone or different: the chain
// alone cannot show that its last entries, or all of them, were removed.
func (m *Main) auditVerify(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("audit verify")
	checkpoint := fs.String("checkpoint", "", "ID:HASH printed by audit checkpoint")
	if err := parse(fs, args); err != nil {
		return err
	}
	var cpID int64
	var cpHash string
	if *checkpoint != "" {
		id, hash, ok := strings.Cut(*checkpoint, ":")
		n, err := strconv.ParseInt(id, 10, 64)
		if !ok || err != nil || n < 1 || hash == "" {
			return usageError{"audit verify: --checkpoint must be ID:HASH as audit checkpoint prints it, not " + strconv.Quote(*checkpoint)}
		}
		cpID, cpHash = n, hash
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	bad, err := st.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if bad != nil {
		b, _ := json.MarshalIndent(bad, "", "  ")
		fmt.Fprintf(m.Stdout, "first broken entry: id %d\n%s\n", bad.ID, b)
		return errAuditBroken
	}
	head, n, err := st.AuditHead(ctx)
	if err != nil {
		return err
	}
	if cpID != 0 {
		e, err := st.AuditEntryByID(ctx, cpID)
		switch {
		case err != nil:
			return err
		case e == nil:
			last := "the trail is empty"
			if head != nil {
				last = fmt.Sprintf("the last entry is %d", head.ID)
			}
			return fmt.Errorf("audit trail: checkpoint entry %d is gone (%s): entries were removed", cpID, last)
		case e.Hash != cpHash:
			return fmt.Errorf("audit trail: checkpoint entry %d has hash %s, not %s: the trail was rewritten", cpID, e.Hash, cpHash)
		}
	}
	msg := "audit trail intact: every entry's hash and link check out"
	if head != nil {
		msg += fmt.Sprintf(" (%d entries, last %d:%s)", n, head.ID, head.Hash)
	}
	if cpID != 0 {
		msg += fmt.Sprintf("; checkpoint %d matches", cpID)
	}
	fmt.Fprintln(m.Stdout, msg)
	return nil
}

// auditCheckpoint prints the last entry's id and hash as ID:HASH, to keep
// outside the database (the office's records) and give to audit verify
// --checkpoint later.
func (m *Main) auditCheckpoint(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("audit checkpoint")
	if err := parse(fs, args); err != nil {
		return err
	}
	st, err := m.openStore(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	head, _, err := st.AuditHead(ctx)
	if err != nil {
		return err
	}
	if head == nil {
		return errors.New("audit checkpoint: the audit trail is empty")
	}
	fmt.Fprintf(m.Stdout, "%d:%s\n", head.ID, head.Hash)
	return nil
}
