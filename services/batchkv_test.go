package services_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	fiberredis "github.com/gofiber/storage/redis/v3"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
)

// Concurrent reads share MGETs; each caller must still get exactly its own
// key's value (a session is never handed to another visitor), and a key deleted
// before a read began is gone for that read.
func TestBatchedRedisKV(t *testing.T) {
	url, prefix := testenv.Redis(t)
	rdb, err := services.OpenRedis(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rdb.Close() })
	kv := services.NewBatchedRedisKV(fiberredis.NewFromConnection(rdb), prefix)
	ctx := context.Background()
	const n = 600 // more than one batch
	for i := range n {
		if err := kv.SetWithContext(ctx, fmt.Sprintf("k%d", i), []byte(fmt.Sprintf("v%d", i)), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	for round := range 3 {
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				got, err := kv.GetWithContext(ctx, fmt.Sprintf("k%d", i))
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 1 && round > 0 {
					if got != nil {
						t.Errorf("k%d read %q after it was deleted", i, got)
					}
					return
				}
				if want := fmt.Sprintf("v%d", i); string(got) != want {
					t.Errorf("k%d read %q, want %q", i, got, want)
				}
			})
		}
		wg.Wait()
		for i := 1; i < n; i += 2 {
			if err := kv.DeleteWithContext(ctx, fmt.Sprintf("k%d", i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got, err := kv.GetWithContext(ctx, "missing"); got != nil || err != nil {
		t.Fatalf("missing key: %q, %v", got, err)
	}
	if keys, _ := rdb.Keys(ctx, prefix+"k1").Result(); len(keys) != 0 {
		t.Fatal("keys are not stored under the prefix")
	}
	if keys, _ := rdb.Keys(ctx, prefix+"k0").Result(); len(keys) != 1 {
		t.Fatal("keys are not stored under the prefix")
	}
}
