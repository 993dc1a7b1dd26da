package web_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// formValues reads every named input and select of the page's form whose
// action is action, as a browser would send it.
func formValues(t *testing.T, body, action string) url.Values {
	t.Helper()
	v := url.Values{}
	forms := elements(t, body, func(n *html.Node) bool { return n.Data == "form" && attr(n, "action") == action })
	if len(forms) != 1 {
		t.Fatalf("%d forms to %s", len(forms), action)
	}
	walk(forms[0], func(n *html.Node) {
		switch {
		case n.Type != html.ElementNode || attr(n, "name") == "":
		case n.Data == "input" && (attr(n, "type") == "radio" || attr(n, "type") == "checkbox"):
		case n.Data == "input":
			v.Set(attr(n, "name"), attr(n, "value"))
		case n.Data == "select":
			walk(n, func(o *html.Node) {
				if o.Type == html.ElementNode && o.Data == "option" && hasAttr(o, "selected") {
					v.Set(attr(n, "name"), attr(o, "value"))
				}
			})
		}
	})
	return v
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func TestPages_EditRecipient(t *testing.T) {
	t.Run("MaskedValuesStayUnlessRetyped", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		r := e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/recipients", map[string]any{"kind": "umkm", "name": "Warung Ubah",
			"nik": "6472014107900001", "phone": "081234567890", "account_no": "1234567890"}), 201)
		path := "/recipients/" + jsonID(r)
		page := m.send(e.w.Officer, "GET", path+"/edit", nil)
		if page.Code != 200 {
			t.Fatalf("edit page: %d", page.Code)
		}
		form := formValues(t, page.Body.String(), path+"/edit")
		if !strings.Contains(form.Get("nik"), "*") || !strings.Contains(form.Get("account_no"), "*") {
			t.Fatalf("the officer's form shows personal data unmasked: %v", form)
		}
		form.Set("sector", "kuliner")
		form.Del("_csrf")
		rec := m.send(e.w.Officer, "POST", path+"/edit", form)
		if rec.Code != 303 || rec.Header().Get("Location") != path+"?saved=recipient" {
			t.Fatalf("save: %d %s %.600s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
		}
		got := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1"+path, nil), 200)
		if got["nik"] != "6472014107900001" || got["account_no"] != "1234567890" || got["phone"] != "+6281234567890" || got["sector"] != "kuliner" {
			t.Fatalf("after the edit: %v", got)
		}
		// Retyped, a value replaces the stored one.
		form.Set("account_no", "9876543210")
		m.send(e.w.Officer, "POST", path+"/edit", form)
		if got := e.expect(t, e.do(t, e.w.Admin, "GET", "/api/v1"+path, nil), 200); got["account_no"] != "9876543210" {
			t.Fatalf("retyped account: %v", got["account_no"])
		}
	})
}

func TestPages_Draft(t *testing.T) {
	t.Run("EditThenDelete", func(t *testing.T) {
		m := newMatrix(t)
		e := m.e
		e.expect(t, e.do(t, e.w.Admin, "POST", "/api/v1/programs", programBody("PEN-DRAFT-2024", "1000000000")), 201)
		api := e.draftVia(t, "PEN-DRAFT-2024", "100000.00")
		page := strings.TrimPrefix(api, "/api/v1")
		if rec := m.send(e.w.Officer, "GET", page, nil); !strings.Contains(rec.Body.String(), page+"/edit") || !strings.Contains(rec.Body.String(), page+"/delete") {
			t.Fatalf("the draft's page offers no edit or delete: %.1500s", rec.Body.String())
		}
		form := formValues(t, m.send(e.w.Officer, "GET", page+"/edit", nil).Body.String(), page+"/edit")
		if form.Get("amount") != "100.000" {
			t.Fatalf("edit form amount %q", form.Get("amount"))
		}
		form.Set("amount", "1.500.000")
		form.Del("_csrf")
		if rec := m.send(e.w.Officer, "POST", page+"/edit", form); rec.Code != 303 || rec.Header().Get("Location") != page+"?saved=disbursement" {
			t.Fatalf("save: %d %.600s", rec.Code, rec.Body.String())
		}
		if got := e.expect(t, e.do(t, e.w.Officer, "GET", api, nil), 200); got["amount"] != "1500000.00" {
			t.Fatalf("amount %v", got["amount"])
		}
		form.Set("amount", "-5")
		if rec := m.send(e.w.Officer, "POST", page+"/edit", form); rec.Code != 422 {
			t.Fatalf("bad amount: %d", rec.Code)
		}
		if rec := m.send(e.w.Officer, "POST", page+"/delete", url.Values{}); rec.Code != 303 || rec.Header().Get("Location") != "/disbursements?deleted=1" {
			t.Fatalf("delete: %d", rec.Code)
		}
		e.expect(t, e.do(t, e.w.Officer, "GET", api, nil), 404)
		if rec := m.send(e.w.Officer, "GET", "/disbursements?deleted=1", nil); !strings.Contains(rec.Body.String(), "Draf penyaluran dihapus") {
			t.Fatalf("no confirmation of the deletion")
		}
	})
}

func jsonID(m map[string]any) string {
	f, _ := m["id"].(float64)
	return strconv.FormatInt(int64(f), 10)
}
