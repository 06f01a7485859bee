package handlers

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// A full cache lets go of its least recently used entry, one at a time; a new
// catalogue version makes entries unservable under it without dropping them.
func TestFragmentCacheEvictsLeastRecentlyUsedOneByOne(t *testing.T) {
	fc, err := newFragmentCache(3)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, key := range []string{"a", "b", "c"} {
		fc.put(key, fragment{version: "v1", html: key, made: now})
	}
	if _, ok := fc.get("v1", "a", now); !ok { // a is now the most recently used
		t.Fatal("a is not cached")
	}
	fc.put("d", fragment{version: "v1", html: "d", made: now})
	for key, kept := range map[string]bool{"a": true, "b": false, "c": true, "d": true} {
		if f, ok := fc.get("v1", key, now); ok != kept || ok && f.html != key {
			t.Fatalf("after one entry too many: %s cached %v (%q), want %v", key, ok, f.html, kept)
		}
	}

	fc.put("a", fragment{version: "v2", html: "a2", made: now})
	if f, ok := fc.get("v2", "a", now); !ok || f.html != "a2" {
		t.Fatalf("a under v2: %v %q", ok, f.html)
	}
	if _, ok := fc.get("v2", "c", now); ok {
		t.Fatal("c, made under v1, was served under v2")
	}
	if _, ok := fc.get("v1", "c", now); !ok {
		t.Fatal("a write under another version dropped c")
	}
	if _, ok := fc.get("v1", "c", now.Add(maxFragmentAge+time.Second)); ok {
		t.Fatal("an entry older than maxFragmentAge was served")
	}
}

// A whole page's ETag changes with any one byte of it, wherever it is, and is a
// quoted strong validator.
func TestETagChangesWithAnyByte(t *testing.T) {
	page := []byte(strings.Repeat("<li>Pewter jug, 12.00</li>", 400))
	tag := etagOf(page)
	if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' || strings.Contains(tag[1:len(tag)-1], `"`) {
		t.Fatalf("ETag %s is not a quoted strong validator", tag)
	}
	for i := range page {
		changed := bytes.Clone(page)
		changed[i] ^= 1
		if etagOf(changed) == tag {
			t.Fatalf("byte %d changed, same ETag %s", i, tag)
		}
	}
	if etagOf(page[:len(page)-1]) == tag || etagOf(bytes.Clone(page)) != tag {
		t.Fatal("ETag does not follow the length, or differs for equal pages")
	}
}

// A second-request cache admits a key on its second request within the window
// of recent keys, and forgets keys pushed out of that window; a plain cache
// admits everything.
func TestSecondRequestCacheAdmitsOnTheSecondRequest(t *testing.T) {
	fc, err := newSecondRequestCache(4, 2)
	if err != nil {
		t.Fatal(err)
	}
	for i, step := range []struct {
		key   string
		admit bool
	}{
		{"a", false}, {"a", true}, {"b", false}, {"c", false}, {"d", false},
		{"a", false}, // b, c and d came since: a was forgotten
		{"a", true}, {"d", true},
	} {
		if got := fc.admit(step.key); got != step.admit {
			t.Fatalf("step %d: admit(%q) = %v, want %v", i, step.key, got, step.admit)
		}
	}
	plain, err := newFragmentCache(4)
	if err != nil {
		t.Fatal(err)
	}
	if !plain.admit("a") {
		t.Fatal("a plain cache refused a first request")
	}
}
