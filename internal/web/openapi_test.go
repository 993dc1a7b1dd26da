package web_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPI_CoversEveryRoute fails when a route registered on the router
// is missing from /openapi.json, so a new API route cannot go undocumented.
func TestOpenAPI_CoversEveryRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rec := e.do(t, nil, "GET", "/openapi.json", nil)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != 200 || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi.json: %d %v", rec.Code, err)
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	checked := 0
	for _, r := range e.srv.Echo.Routes() {
		if !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" && r.Path != "/openapi.json" {
			continue
		}
		if strings.HasSuffix(r.Path, "*") || r.Method == "echo_route_not_found" {
			continue
		}
		p := param.ReplaceAllString(r.Path, "{$1}")
		if _, ok := doc.Paths[p][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, p)
		}
		checked++
	}
	if checked < 15 {
		t.Fatalf("only %d API routes checked", checked)
	}
}
