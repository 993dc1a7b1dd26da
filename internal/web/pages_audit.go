package web

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/shopspring/decimal"

	"pilar/internal/finance"
	"pilar/internal/i18n"
	"pilar/internal/money"
)

// auditChange is one field an audit entry changed, in words.
type auditChange struct {
	Field, Before, After string
}

// auditEvent is an audit entry as a ledger shows it: local time, who by
// name, the record, and what changed in words.
type auditEvent struct {
	*finance.AuditEntry
	When, Who, Record, Link string
	Changes                 []auditChange
}

type auditData struct {
	Entity, EntityID, Back string
	Events                 []auditEvent
	Next                   string // the next page of the history, or ""
}

// amountFields are the audited fields that hold rupiah.
var amountFields = map[string]bool{"amount": true, "budget": true, "previous_budget": true, "capital": true,
	"annual_sales": true, "amount_per_recipient": true, "committed": true, "realized": true,
	"original_budget": true, "remaining": true, "business_volume": true, "assets": true,
	"available": true, "principal_repaid": true, "opening_balance": true, "closing_balance": true,
	"difference": true, "interest": true, "principal": true, "excess": true}

// rateFields are the audited fields that hold a percentage a year.
var rateFields = map[string]bool{"interest_rate": true, "subsidy_rate": true}

// dayFields are the audited days whose names do not end in _on.
var dayFields = map[string]bool{"period_from": true, "period_to": true, "as_of": true}

// ledger turns audit entries into events for lang, naming people by the
// users' names where the reader may list users.
func (s *Server) ledger(c echo.Context, entries []*finance.AuditEntry) []auditEvent {
	lang := langOf(c, s.cfg.Lang)
	names, userIDs := map[string]string{}, map[string]string{}
	if users, err := s.users.FindUsers(c.Request().Context()); err == nil {
		for _, u := range users {
			names[u.Email], userIDs[strconv.FormatInt(u.ID, 10)] = u.Name, u.Name
		}
	}
	agencies := map[string]string{}
	if as, err := s.agencies.FindAgencies(c.Request().Context()); err == nil {
		for _, a := range as {
			agencies[a.Code] = a.Name
		}
	}
	out := make([]auditEvent, 0, len(entries))
	for _, e := range entries {
		ev := auditEvent{AuditEntry: e, When: e.At, Who: e.Actor}
		if at, err := time.Parse(time.RFC3339Nano, e.At); err == nil {
			// In the offices' zone (config timezone), named: "... 04.01 WITA".
			ev.When = i18n.DateTime(lang, at.In(s.loc))
		}
		if n := names[e.Actor]; n != "" {
			ev.Who = n
		}
		ev.Record = i18n.T(lang, "audit.entity."+e.Entity) + " " + e.EntityID
		if e.Entity == "user" { // by id, or by the email a failed sign-in gave
			if n := cmp.Or(userIDs[e.EntityID], names[e.EntityID]); n != "" {
				ev.Record = i18n.T(lang, "audit.entity.user") + " " + n
			}
		}
		switch e.Entity {
		case "disbursement":
			ev.Link = "/disbursements/" + e.EntityID
		case "program":
			ev.Link = "/programs/" + e.EntityID
		case "recipient":
			ev.Link = "/recipients/" + e.EntityID
		}
		for _, ch := range changes(e.Before, e.After) {
			before, after := s.valueWords(lang, ch.Field, ch.Before), s.valueWords(lang, ch.Field, ch.After)
			// People by name: a user's email in a value is the user, and so
			// is a user's id in a ..._by_id field; an agency by its name.
			byKeys := []map[string]string{names, agencies}
			if strings.HasSuffix(ch.Field, "_by_id") {
				byKeys = []map[string]string{userIDs}
			}
			for _, byKey := range byKeys {
				if ch.Field == "email" {
					break // a user's own email stays what it is
				}
				if n := byKey[ch.Before]; n != "" {
					before = n
				}
				if n := byKey[ch.After]; n != "" {
					after = n
				}
			}
			ev.Changes = append(ev.Changes, auditChange{fieldWord(lang, ch.Field), before, after})
		}
		out = append(out, ev)
	}
	return out
}

// fieldWord names a field in lang ("amount" -> "Nilai"), or leaves it.
func fieldWord(lang, field string) string {
	if w := i18n.T(lang, "field."+field); w != "field."+field {
		return w
	}
	return field
}

// valueWords writes a value as a person reads it: rupiah for amounts,
// statuses and forms by name, days as dates, times in the offices' zone,
// a nested record (a loan's terms) field by field.
func (s *Server) valueWords(lang, field, v string) string {
	switch {
	case v == "" || v == "{}" || v == "[]":
		return "–"
	case amountFields[field]:
		if d, err := decimal.NewFromString(v); err == nil {
			return money.FromDecimal(d).Rupiah()
		}
	case rateFields[field]:
		if d, err := decimal.NewFromString(v); err == nil {
			return i18n.Decimal(lang, d.StringFixed(2)) + "%"
		}
	case field == "tenor_months":
		if n, err := strconv.Atoi(v); err == nil {
			return i18n.T(lang, "credit.months", n)
		}
	case field == "rule":
		return i18n.T(lang, "recon.rule."+v)
	case field == "rules": // matches by rule: {"reference": 3}
		var counts map[string]int64
		if json.Unmarshal([]byte(v), &counts) != nil {
			return v
		}
		words := make([]string, 0, len(counts))
		for _, rule := range slices.Sorted(maps.Keys(counts)) {
			words = append(words, i18n.T(lang, "recon.rule."+rule)+": "+i18n.Number(lang, counts[rule]))
		}
		return strings.Join(words, ", ")
	case strings.HasSuffix(field, "_at"):
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return i18n.DateTime(lang, t.In(s.loc))
		}
	case dayFields[field]:
		return i18n.Date(lang, v)
	case codeFields[field]:
		return i18n.Name(lang, field, v)
	case field == "region_code":
		return finance.RegionLabel(v)
	case field == "eligible_size_classes":
		var codes []string
		if json.Unmarshal([]byte(v), &codes) != nil {
			return v
		}
		for i, code := range codes {
			codes[i] = i18n.Name(lang, "size_class", code)
		}
		return orDash(strings.Join(codes, ", "))
	case field == "flags":
		var flags []finance.Flag
		if json.Unmarshal([]byte(v), &flags) != nil {
			return v
		}
		words := make([]string, len(flags))
		for i, f := range flags {
			words[i] = i18n.T(lang, "flag."+f.Kind)
		}
		return orDash(strings.Join(words, "; "))
	case v == "true":
		return i18n.T(lang, "common.yes")
	case v == "false":
		return i18n.T(lang, "common.no")
	case strings.HasSuffix(field, "_on") || field == "starts_on" || field == "ends_on":
		return i18n.Date(lang, v)
	case strings.HasPrefix(v, "{"): // a nested record: each field in words
		var m map[string]any
		if json.Unmarshal([]byte(v), &m) != nil {
			return v
		}
		words := make([]string, 0, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			words = append(words, fieldWord(lang, k)+" "+s.valueWords(lang, k, text(m, k)))
		}
		return strings.Join(words, " · ")
	case strings.HasPrefix(v, "["): // a list of numbers or words: 1, 2, 3
		var list []any
		if json.Unmarshal([]byte(v), &list) != nil {
			return v
		}
		words := make([]string, len(list))
		for i, x := range list {
			words[i] = strings.Trim(fmt.Sprint(x), `"`)
		}
		return strings.Join(words, ", ")
	}
	return v
}

// codeFields are the audited fields that hold a code with a name
// (i18n.Name): "kind" "grant" -> "Bantuan hibah".
var codeFields = map[string]bool{"status": true, "form": true, "kind": true, "funding_source": true,
	"size_class": true, "sector": true, "role": true, "format": true, "schedule_kind": true}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func (s *Server) disbursementAuditPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.disbursements.FindDisbursementByID(c.Request().Context(), id); err != nil {
		return err
	}
	ref := strconv.FormatInt(id, 10)
	return s.renderAudit(c, "disbursement", ref, "/disbursements/"+ref)
}

func (s *Server) programAuditPage(c echo.Context) error {
	p, err := s.programs.FindProgramByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return s.renderAudit(c, "program", p.Code, "/programs/"+p.Code)
}

// renderAudit shows the history of one record as a timeline, oldest first
// (auditors and admins; the service refuses others).
func (s *Server) renderAudit(c echo.Context, entity, id, back string) error {
	page, err := pageListPage(c)
	if err != nil {
		return err
	}
	entries, next, err := s.audit.FindAuditEntries(c.Request().Context(), finance.AuditFilter{
		Entity: entity, EntityID: id, Page: page})
	if err != nil {
		return err
	}
	data := auditData{Entity: entity, EntityID: id, Back: back, Events: s.ledger(c, entries), Next: nextURL(c, next)}
	return s.renderPage(c, http.StatusOK, "audit", "audit.title", data)
}

// changes lists the fields whose value differs between two JSON objects,
// by name; timestamps of the change itself are left out.
func changes(before, after string) []auditChange {
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
	b, a = snakeKeys(b), snakeKeys(a)
	seen := map[string]bool{}
	for _, m := range []map[string]any{b, a} {
		for k := range m {
			seen[k] = true
		}
	}
	var out []auditChange
	for k := range seen {
		bv, av := text(b, k), text(a, k)
		if bv != av && k != "updated_at" && k != "created_at" {
			out = append(out, auditChange{k, bv, av})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// snakeKeys renames Go field names to JSON's snake case ("DisbursementID"
// -> "disbursement_id"): the matches of a reconciliation were logged from a
// struct without JSON names once, and the log keeps its entries for ever.
func snakeKeys(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[snake(k)] = v
	}
	return out
}

func snake(k string) string {
	if k == "" || k[0] < 'A' || k[0] > 'Z' {
		return k
	}
	k = strings.ReplaceAll(k, "ID", "Id")
	var b strings.Builder
	for i, r := range k {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('_')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// text is a JSON value as a person reads it: strings bare, absent as "".
func text(m map[string]any, k string) string {
	switch v := m[k].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// auditLogData is the global audit page: the filters, one page of entries
// (newest first) and the links to the pages around it.
type auditLogData struct {
	Events     []auditEvent
	Users      []*finance.User
	Actions    []string
	Entities   []string
	Next, Prev string
}

// auditActions and auditEntities are every action and record the store
// writes to the audit trail (a test reads the store's source for them),
// the choices of the audit page's filters; each has its word
// ("audit.action.<action>", "audit.entity.<entity>").
var (
	auditActions = []string{"create", "update", "delete", "submit", "approve", "reject", "cancel", "pay", "return",
		"revise_budget", "close_return", "bulk_create", "import", "import_figures", "historical_import",
		"reconcile", "match", "confirm_match", "unmatch", "replace", "withdraw", "deactivate", "revoke",
		"sign_in", "sign_in_failed", "sign_in_throttled", "sign_out_everywhere", "lookup", "lookup_limited"}
	auditEntities = []string{"program", "recipient", "disbursement", "agency", "user", "api_token", "recipients",
		"statement", "reconciliation", "exclusion_list", "import", "identifier", "repayment"}
)

// auditLogPage is the whole audit trail for auditors and admins, newest
// first, filtered by who, what, when and record, 50 entries a page.
func (s *Server) auditLogPage(c echo.Context) error {
	page, err := pageOf(c)
	if err != nil {
		return err
	}
	f := finance.AuditFilter{Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), Entity: c.QueryParam("entity"),
		EntityID: strings.TrimSpace(c.QueryParam("entity_id")), From: c.QueryParam("from"), To: c.QueryParam("to"), Newest: true, Page: page}
	for _, d := range []string{f.From, f.To} {
		if msg := finance.ValidDate(d); d != "" && msg != "" {
			return finance.Errorf(finance.EValidation, "from and to %s", msg)
		}
	}
	entries, next, err := s.audit.FindAuditEntries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	users, _ := s.users.FindUsers(c.Request().Context())
	data := auditLogData{Events: s.ledger(c, entries), Users: users, Next: nextURL(c, next),
		Actions: auditActions, Entities: auditEntities}
	if page.Cursor > 0 {
		// Back to the first page; a cursor counting down has no cheap way back
		// one page, so "newer" starts again from the newest.
		q := c.QueryParams()
		q.Del("cursor")
		data.Prev = c.Request().URL.Path + "?" + q.Encode()
	}
	return s.renderForm(c, http.StatusOK, "audit_log", "audit.title", data, c.QueryParams(), nil)
}

// auditVerifyPage walks the whole hash chain and says whether it holds.
func (s *Server) auditVerifyPage(c echo.Context) error {
	if err := formFor(c, finance.ActReadAudit); err != nil {
		return err
	}
	bad, err := s.audit.VerifyAudit(c.Request().Context())
	if err != nil {
		return err
	}
	var broken []auditEvent
	if bad != nil {
		broken = s.ledger(c, []*finance.AuditEntry{bad})
	}
	return s.renderPage(c, http.StatusOK, "audit_verify", "audit.verify", struct{ Broken []auditEvent }{broken})
}
