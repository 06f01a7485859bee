package services

import (
	"encoding/json"
	"fmt"
	"testing"
)

func TestDecodedSessionsGiveEachCallerItsOwnCopy(t *testing.T) {
	d := newDecodedSessions()
	raw, err := json.Marshal(&Session{UserID: 7, Email: "a@example.com", CSRFToken: "tok", CreatedAt: 1, LastSeen: 2})
	if err != nil {
		t.Fatal(err)
	}
	first, ok := d.decode("id-1", raw)
	if !ok || first.ID != "id-1" || first.UserID != 7 || first.Email != "a@example.com" || first.CSRFToken != "tok" {
		t.Fatalf("first decode = %+v, %v", first, ok)
	}
	first.Email = "changed@example.com"
	first.LastSeen = 99
	// The same bytes under another id (as no two real sessions store, since
	// each has its own token) still name the id asked for.
	second, ok := d.decode("id-2", raw)
	if !ok || second.ID != "id-2" || second.Email != "a@example.com" || second.LastSeen != 2 {
		t.Fatalf("second decode = %+v, %v: a caller's change leaked into the kept session", second, ok)
	}
}

func TestDecodedSessionsRefuseWhatIsNotJSON(t *testing.T) {
	d := newDecodedSessions()
	for _, raw := range []string{"", "{", "not json", `{"uid":"seven"}`} {
		if sess, ok := d.decode("id", []byte(raw)); ok {
			t.Errorf("decode(%q) = %+v, want refused", raw, sess)
		}
	}
	if len(d.byBytes) != 0 {
		t.Errorf("%d refused records kept", len(d.byBytes))
	}
}

func TestDecodedSessionsStayBounded(t *testing.T) {
	d := newDecodedSessions()
	for i := range decodedSessionsMax + 100 {
		raw := fmt.Appendf(nil, `{"uid":%d,"csrf":"t"}`, i+1)
		sess, ok := d.decode("id", raw)
		if !ok || sess.UserID != int64(i+1) {
			t.Fatalf("decode %d = %+v, %v", i, sess, ok)
		}
	}
	if len(d.byBytes) != decodedSessionsMax {
		t.Errorf("%d sessions kept, want the bound %d", len(d.byBytes), decodedSessionsMax)
	}
}
