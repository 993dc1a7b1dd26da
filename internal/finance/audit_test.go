package finance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"testing"
)

// marshalHash is the entry's hash as it was first defined, over
// json.Marshal's bytes: every entry already written carries it.
func marshalHash(e *AuditEntry) string {
	content, _ := json.Marshal([]string{e.PrevHash, e.At, e.Actor, e.Action, e.Entity, e.EntityID, e.Before, e.After})
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])
}

func checkSameHash(t *testing.T, e *AuditEntry) {
	t.Helper()
	if got, want := e.ComputeHash(), marshalHash(e); got != want {
		t.Fatalf("ComputeHash(%+v) = %s, json.Marshal gives %s", e, got, want)
	}
}

func TestComputeHashIsMarshalHash(t *testing.T) {
	for _, s := range []string{"", "plain", `{"amount":"2400000.00","note":"a \"quoted\" \\ back"}`, "<b>&amp;</b>",
		"tab\there\nline\r\x00\x1f\x7f", "Rp2.400.000 é ü 漢", "\u2028\u2029", "bad \xff utf-8", `\u003c`} {
		checkSameHash(t, &AuditEntry{PrevHash: "ab12", At: "2024-07-12T01:02:03.456Z", Actor: "officer@pilar.example", Action: "create",
			Entity: "disbursement", EntityID: "42", Before: s, After: s})
		checkSameHash(t, &AuditEntry{Actor: s, EntityID: s})
	}
}

func FuzzComputeHash(f *testing.F) {
	f.Add("create", `{"id":1,"note":"x<y & \"z\""}`, "a\x00é")
	f.Fuzz(func(t *testing.T, action, after, actor string) {
		checkSameHash(t, &AuditEntry{PrevHash: "00ff", At: "2024-07-12T00:00:00Z", Actor: actor, Action: action,
			Entity: "disbursement", EntityID: "7", After: after})
	})
}

func BenchmarkComputeHash(b *testing.B) {
	e := &AuditEntry{PrevHash: "3f2a9c", At: "2024-07-12T01:02:03.456Z", Actor: "officer@pilar.example", Action: "create", Entity: "disbursement", EntityID: "42",
		After: `{"id":42,"program":"SCALE-00","recipient_id":17,"amount":"2400000.00","tranche":3,"form":"transfer","status":"draft","disbursed_on":"2024-07-12","payment_ref":"TRX-123456","note":"","reconciled":false,"flags":[],"override_reason":"","created_at":"2024-07-12T01:02:03.456Z","updated_at":"2024-07-12T01:02:03.456Z"}`}
	b.Run("marshal", func(b *testing.B) {
		for range b.N {
			marshalHash(e)
		}
	})
	b.Run("append", func(b *testing.B) {
		for range b.N {
			e.ComputeHash()
		}
	})
}
