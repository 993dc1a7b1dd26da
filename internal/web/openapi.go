package web

import (
	"maps"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"pilar/internal/export"
	"pilar/internal/finance"
	"pilar/internal/importer"
	"pilar/internal/money"
	"pilar/internal/report"
)

// schemas are the API's objects; "<Name>Input" is what a client sends.
var schemas = map[string]any{
	"Agency": finance.Agency{}, "AgencyInput": finance.AgencyInput{},
	"Program": finance.Program{}, "ProgramInput": finance.ProgramInput{},
	"Recipient": finance.Recipient{}, "RecipientInput": finance.RecipientInput{},
	"Disbursement": finance.Disbursement{}, "DisbursementInput": finance.DisbursementInput{},
	"AuditEntry":      finance.AuditEntry{},
	"ImportResult":    importer.Result{},
	"BulkActionInput": finance.BulkActionInput{}, "BulkResult": bulkResult{},
	"ExclusionList": finance.ExclusionList{}, "ExclusionUpload": exclusionUpload{},
	"ActionInput": finance.ActionInput{}, "BudgetRevision": finance.BudgetRevision{}, "BudgetRevisionInput": finance.BudgetRevisionInput{},
}

var pathParam = regexp.MustCompile(`:([a-z_]+)`)

// openAPIDoc builds the OpenAPI 3 document from the route table.
func (s *Server) openAPIDoc() map[string]any {
	paths := map[string]map[string]any{}
	for _, r := range s.routes {
		p := "/api/v1" + pathParam.ReplaceAllString(r.Path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.Method)] = operation(r)
	}
	paths["/healthz"] = map[string]any{"get": map[string]any{"summary": "Health: 200 when the database answers", "security": []any{},
		"responses": map[string]any{"200": map[string]any{"description": "ok"}, "503": map[string]any{"description": "database unavailable"}}}}
	paths["/openapi.json"] = map[string]any{"get": map[string]any{"summary": "This document", "security": []any{},
		"responses": map[string]any{"200": map[string]any{"description": "the OpenAPI document"}}}}
	components := map[string]any{}
	for name, v := range schemas {
		components[name] = schemaOf(reflect.TypeOf(v))
	}
	for _, k := range report.Kinds {
		components[k.Schema] = schemaOf(reflect.TypeOf(k.Result))
	}
	components["Error"] = map[string]any{"type": "object", "properties": map[string]any{"error": map[string]any{
		"type": "object", "properties": map[string]any{
			"code":    map[string]any{"type": "string", "enum": errorCodes()},
			"message": map[string]any{"type": "string"},
			"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
		}}}}
	return map[string]any{
		"openapi": "3.0.3",
		"info":    map[string]any{"title": "Pilar API", "version": "1", "description": "Government support programs for UMKM and koperasi: programs, recipients, disbursements. Amounts are decimal strings with 2 decimals."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         components,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
		"security": []any{map[string]any{"bearer": []any{}}},
	}
}

// fileResult is the Result of a route answering with a CSV or XLSX file.
const fileResult = "file"

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

func operation(r apiRoute) map[string]any {
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(r.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	for _, q := range r.Query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
	}
	errResp := map[string]any{"description": "error", "content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	responses := map[string]any{"default": errResp}
	switch {
	case r.Result == "":
		responses[itoaStatus(r.Status)] = map[string]any{"description": "done"}
	case r.Result == fileResult:
		file := map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}
		responses[itoaStatus(r.Status)] = map[string]any{"description": "a file", "content": map[string]any{
			export.ContentType("csv"): file, export.ContentType("xlsx"): file}}
	case r.List:
		responses[itoaStatus(r.Status)] = map[string]any{"description": "a page of items", "content": map[string]any{"application/json": map[string]any{"schema": map[string]any{
			"type": "object", "properties": map[string]any{"items": map[string]any{"type": "array", "items": ref(r.Result)}, "next_cursor": map[string]any{"type": "string"}}}}}}
	default:
		responses[itoaStatus(r.Status)] = map[string]any{"description": "ok", "content": map[string]any{"application/json": map[string]any{"schema": ref(r.Result)}}}
	}
	op := map[string]any{"summary": r.Summary, "responses": responses}
	if params != nil {
		op["parameters"] = params
	}
	if r.Body != "" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": ref(r.Body + "Input")}}}
	}
	return op
}

func itoaStatus(n int) string { return strconv.Itoa(n) }

var (
	amountType = reflect.TypeOf(money.Amount{})
	rawType    = reflect.TypeOf(money.Raw(""))
	timeType   = reflect.TypeOf(time.Time{})
	msgType    = reflect.TypeOf(finance.Msg{})
	rateType   = reflect.TypeOf(finance.Rate{})
)

// schemaOf describes a Go type by its JSON tags.
func schemaOf(t reflect.Type) map[string]any {
	nullable := false
	for t.Kind() == reflect.Pointer {
		t, nullable = t.Elem(), true
	}
	var s map[string]any
	switch {
	case t == amountType:
		// Amounts the server writes may be negative: a month with a return
		// in the realization report.
		s = map[string]any{"type": "string", "pattern": `^-?[0-9]+\.[0-9]{2}$`, "example": "2400000.00"}
	case t == rawType:
		s = map[string]any{"type": "string", "pattern": `^[0-9]+(\.[0-9]{1,2})?$`, "example": "2400000.00"}
	case t == rateType: // a percentage a year
		s = map[string]any{"type": "string", "pattern": `^[0-9]{1,3}\.[0-9]{2}$`, "example": "6.00"}
	case t == msgType: // a message, written as English text
		s = map[string]any{"type": "string"}
	case t == timeType:
		s = map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		props := map[string]any{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := strings.Split(f.Tag.Get("json"), ",")[0]
			if f.Anonymous && name == "" { // embedded: its fields are the object's own
				maps.Copy(props, schemaOf(f.Type)["properties"].(map[string]any))
				continue
			}
			if name == "" || name == "-" {
				continue
			}
			props[name] = schemaOf(f.Type)
		}
		s = map[string]any{"type": "object", "properties": props}
	case t.Kind() == reflect.Slice:
		s = map[string]any{"type": "array", "items": schemaOf(t.Elem())}
	case t.Kind() == reflect.Bool:
		s = map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64:
		s = map[string]any{"type": "integer"}
	default:
		s = map[string]any{"type": "string"}
	}
	if nullable {
		s["nullable"] = true
	}
	return s
}

func (s *Server) openAPI(c echo.Context) error {
	return c.JSON(http.StatusOK, s.openAPIDoc())
}

// errorCodes are the codes the error handler sends: every domain code it
// maps to a status, and those of Echo's own refusals.
func errorCodes() []string {
	codes := []string{"method_not_allowed", "internal"}
	for code := range statusOf {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	return codes
}
