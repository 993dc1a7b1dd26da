package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// messageKeys finds the message keys (finance.Msg: the English text) that
// the code under root gives users: the key argument of finance.Errorf,
// finance.M, finance.FieldError, Fields.Add, the importer's unreadable and
// money's refuse, and the messages the finance validators return.
func messageKeys(t *testing.T, root string) map[string]string {
	t.Helper()
	keys := map[string]string{}
	fset := token.NewFileSet()
	validator := regexp.MustCompile(`^(Valid|Check|Normalize)`)
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		lit := func(e ast.Expr) {
			// A constant of the file (money.NotANumber) stands for its text.
			if id, ok := e.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Con {
				if vs, ok := id.Obj.Decl.(*ast.ValueSpec); ok {
					for i, n := range vs.Names {
						if n.Name == id.Name && i < len(vs.Values) {
							e = vs.Values[i]
						}
					}
				}
			}
			if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
				if s, err := strconv.Unquote(b.Value); err == nil && s != "" {
					keys[s] = fset.Position(b.Pos()).String()
				}
			}
		}
		inFinance := f.Name.Name == "finance"
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncDecl:
				if inFinance && validator.MatchString(n.Name.Name) && n.Body != nil {
					ast.Inspect(n.Body, func(m ast.Node) bool {
						if r, ok := m.(*ast.ReturnStmt); ok {
							for _, e := range r.Results {
								lit(e)
							}
						}
						return true
					})
				}
			case *ast.CallExpr:
				var name, recv string
				switch fn := n.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
					switch x := fn.X.(type) {
					case *ast.Ident:
						recv = x.Name
					case *ast.SelectorExpr:
						recv = x.Sel.Name
					}
				}
				switch {
				case name == "Errorf" && (recv == "finance" || (recv == "" && inFinance)) && len(n.Args) >= 2:
					lit(n.Args[1])
				case name == "FieldError" && len(n.Args) >= 2:
					lit(n.Args[1])
				case name == "Add" && (recv == "f" || recv == "fields") && len(n.Args) >= 2:
					lit(n.Args[1])
				case name == "M" || name == "unreadable" || name == "refuse":
					if len(n.Args) >= 1 {
						lit(n.Args[0])
					}
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestMessagesTranslated: every message the code gives users has its
// Indonesian and English text in the catalog, so that no domain error on an
// Indonesian page is English.
func TestMessagesTranslated(t *testing.T) {
	var missing []string
	for _, dir := range []string{"../../internal", "../../cmd"} {
		for key, where := range messageKeys(t, dir) {
			w, ok := words[key]
			if !ok || w[0] == "" || w[1] == "" {
				missing = append(missing, where+": "+strconv.Quote(key))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		if os.Getenv("PILAR_LIST_MESSAGES") != "" {
			for _, m := range missing {
				_, k, _ := strings.Cut(m, ": ")
				t.Log(k)
			}
		}
		t.Errorf("%d messages without a translation in i18n (words_messages.go):\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// TestEveryWordInBothLanguages: each registered key has Indonesian and
// English text, and a message's English text is its key.
func TestEveryWordInBothLanguages(t *testing.T) {
	for k, w := range words {
		if w[0] == "" || w[1] == "" {
			t.Errorf("%q lacks a language: %q", k, w)
		}
	}
	for k := range messageWords {
		w := words[k]
		if w[1] != k {
			t.Errorf("message %q: English text %q differs from its key", k, w[1])
		}
		if strings.Count(w[0], "%") != strings.Count(k, "%") {
			t.Errorf("message %q: Indonesian %q has other verbs", k, w[0])
		}
	}
}
