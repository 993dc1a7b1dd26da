package web

import (
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"pilar/internal/finance"
)

// auditChange is one field an audit entry changed.
type auditChange struct {
	Field, Before, After string
}

// auditEvent is an audit entry as the timeline shows it.
type auditEvent struct {
	*finance.AuditEntry
	Changes []auditChange
}

type auditData struct {
	Entity, EntityID, Back string
	Events                 []auditEvent
}

func (s *Server) disbursementAuditPage(c echo.Context) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.svc.FindDisbursementByID(c.Request().Context(), id); err != nil {
		return err
	}
	ref := strconv.FormatInt(id, 10)
	return s.renderAudit(c, "disbursement", ref, "/disbursements/"+ref)
}

func (s *Server) programAuditPage(c echo.Context) error {
	p, err := s.svc.FindProgramByCode(c.Request().Context(), c.Param("code"))
	if err != nil {
		return err
	}
	return s.renderAudit(c, "program", p.Code, "/programs/"+p.Code)
}

// renderAudit shows the history of one record as a timeline, oldest first
// (auditors and admins; the service refuses others).
func (s *Server) renderAudit(c echo.Context, entity, id, back string) error {
	entries, _, err := s.svc.FindAuditEntries(c.Request().Context(), finance.AuditFilter{
		Entity: entity, EntityID: id, Page: finance.Page{Limit: 1000}})
	if err != nil {
		return err
	}
	data := auditData{Entity: entity, EntityID: id, Back: back}
	for _, e := range entries {
		data.Events = append(data.Events, auditEvent{e, changes(e.Before, e.After)})
	}
	return s.renderPage(c, http.StatusOK, "audit", "audit.title", data)
}

// changes lists the fields whose value differs between two JSON objects,
// by name; timestamps of the change itself are left out.
func changes(before, after string) []auditChange {
	var b, a map[string]any
	json.Unmarshal([]byte(before), &b)
	json.Unmarshal([]byte(after), &a)
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
