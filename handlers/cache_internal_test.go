package handlers

import (
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
