package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
)

// errAuditBroken is the failure of audit verify; the entry is printed before.
var errAuditBroken = errors.New("audit trail: the hash chain is broken (see the entry above)")

// auditVerify walks the audit trail's hash chain. When an entry does not
// fit, it prints that entry as JSON and fails, so the exit code is 1.
func (m *Main) auditVerify(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("audit verify")
	if err := parse(fs, args); err != nil {
		return err
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
	if bad == nil {
		fmt.Fprintln(m.Stdout, "audit trail intact: every entry's hash and link check out")
		return nil
	}
	b, _ := json.MarshalIndent(bad, "", "  ")
	fmt.Fprintf(m.Stdout, "first broken entry: id %d\n%s\n", bad.ID, b)
	return errAuditBroken
}
