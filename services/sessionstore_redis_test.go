package services_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"
	"github.com/redis/go-redis/v9"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
)

func redisStore(t *testing.T) (*services.RedisSessionStore, *redis.Client, string) {
	t.Helper()
	url, prefix := testenv.Redis(t)
	rdb, err := services.OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	return services.NewRedisSessionStore(fiberredis.NewFromConnection(rdb), prefix), rdb, prefix
}

// Concurrent reads share MGETs; each caller must still get exactly its own
// session (a session is never handed to another visitor), and a session deleted
// before a read began is gone for that read.
func TestRedisSessionStoreBatchedReads(t *testing.T) {
	st, rdb, prefix := redisStore(t)
	ctx := context.Background()
	const n = 600 // more than one batch
	id := func(i int) string { return fmt.Sprintf("s%d", i) }
	for i := range n {
		if err := st.Create(ctx, int64(i%7+1), id(i), []byte(fmt.Sprintf("v%d", i)), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got, err := st.Get(ctx, id(i))
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 1 && round > 0 {
					if got != nil {
						t.Errorf("%s read %q after it was deleted", id(i), got)
					}
					return
				}
				if want := fmt.Sprintf("v%d", i); string(got) != want {
					t.Errorf("%s read %q, want %q", id(i), got, want)
				}
			})
		}
		wg.Wait()
		for i := 1; i < n; i += 2 {
			if err := st.Delete(ctx, int64(i%7+1), id(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, err := st.Get(ctx, "missing"); got != nil || err != nil {
		t.Fatalf("missing key: %q, %v", got, err)
	}
	if keys, _ := rdb.Keys(ctx, prefix+"session:s0").Result(); len(keys) != 1 {
		t.Fatal("sessions are not stored under the prefix")
	}
}

// The index is a sorted set per user, kept with the session keys: it expires no
// earlier than its sessions, and entries whose session expired leave it.
func TestRedisSessionStoreIndex(t *testing.T) {
	st, rdb, prefix := redisStore(t)
	ctx := context.Background()
	index := prefix + "user-sessions:" + strconv.Itoa(42)

	if err := st.Create(ctx, 42, "a", []byte("A"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, index).Val(); ttl < 59*time.Minute || ttl > time.Hour {
		t.Fatalf("index TTL %v, want about the session's hour", ttl)
	}
	// A shorter session does not shorten the index.
	if err := st.Create(ctx, 42, "b", []byte("B"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if ttl := rdb.PTTL(ctx, index).Val(); ttl < 59*time.Minute {
		t.Fatalf("index TTL shrank to %v", ttl)
	}

	// "b" expired (its key is gone; its score is in the past): the next sign-in
	// of the user prunes it, and a key that still exists keeps its entry even if
	// its score says otherwise (clock skew between app and Redis).
	rdb.Del(ctx, prefix+"session:b")
	rdb.ZAdd(ctx, index, redis.Z{Score: 1, Member: "b"}, redis.Z{Score: 1, Member: "a"})
	if err := st.Create(ctx, 42, "c", []byte("C"), time.Hour); err != nil {
		t.Fatal(err)
	}
	members := rdb.ZRange(ctx, index, 0, -1).Val()
	if fmt.Sprint(members) != "[a c]" {
		t.Fatalf("index after prune: %v, want [a c]", members)
	}
	// Listing drops entries whose key is gone, whatever their score.
	rdb.Del(ctx, prefix+"session:c")
	list, err := st.ListUser(ctx, 42)
	if err != nil || len(list) != 1 || string(list["a"]) != "A" {
		t.Fatalf("ListUser = %q, %v; want only a", list, err)
	}
	if members := rdb.ZRange(ctx, index, 0, -1).Val(); fmt.Sprint(members) != "[a]" {
		t.Fatalf("index after list: %v, want [a]", members)
	}
	// Replace keeps the index entry and never creates a key.
	if ok, err := st.Replace(ctx, 42, "c", []byte("C2"), time.Hour); ok || err != nil {
		t.Fatalf("Replace of a deleted session = %v, %v; want false", ok, err)
	}
	if rdb.Exists(ctx, prefix+"session:c").Val() != 0 || rdb.ZScore(ctx, index, "c").Err() != redis.Nil {
		t.Fatal("Replace brought a deleted session back")
	}
	if n, err := st.DeleteUser(ctx, 42, ""); n != 1 || err != nil {
		t.Fatalf("DeleteUser = %d, %v; want 1", n, err)
	}
	if keys := rdb.Keys(ctx, prefix+"*").Val(); len(keys) != 0 {
		t.Fatalf("keys left after DeleteUser: %v", keys)
	}
}
