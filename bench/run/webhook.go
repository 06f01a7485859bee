package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	stripe "github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// The app runs with Stripe configured so that scenario o can post to its
// webhook: any key works, as the app calls Stripe only at checkout (not
// measured) and the webhook checks signatures with the secret alone.
const (
	benchStripeKey    = "sk_test_bench"
	benchStripeSecret = "whsec_bench"
	// webhookOrderID is no order of the bench's: each event is recorded (its
	// id, so a replay is a no-op) and the order looked up and locked, then the
	// answer is "unknown order" (200), as for an order of another shop.
	webhookOrderID = 999_999_999
	// webhookEventsPerSecond sizes each run's events well above what one core
	// can apply, so no event is sent twice.
	webhookEventsPerSecond = 15_000
)

// webhookEvents writes the signed events of one run of length d for
// bench/webhook.lua (one a line: signature, tab, body) and returns the file
// and how many it holds. Ids continue from the previous run's.
func (b *bench) webhookEvents(d time.Duration) (string, int, error) {
	n := int(d.Seconds()*webhookEventsPerSecond) + 1000
	path := filepath.Join(b.o.work, "webhook-events.txt")
	f, err := os.Create(path)
	if err != nil {
		return "", 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	now := time.Now()
	for range n {
		b.webhookSeq++
		id := strconv.FormatInt(now.UnixNano(), 36) + "_" + strconv.Itoa(b.webhookSeq)
		body := fmt.Sprintf(`{"id":"evt_bench_%s","object":"event","api_version":%q,"created":%d,"type":"checkout.session.completed",`+
			`"data":{"object":{"id":"cs_bench_%s","object":"checkout.session","client_reference_id":"%d","payment_status":"paid",`+
			`"amount_total":1250,"currency":"eur","metadata":{"payment_ref":"bench_%s"}}}}`,
			id, stripe.APIVersion, now.Unix(), id, webhookOrderID, id)
		signed := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: benchStripeSecret, Timestamp: now})
		fmt.Fprintf(w, "%s\t%s\n", signed.Header, body)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", 0, err
	}
	return path, n, f.Close()
}
