package services_test

import (
	"fmt"
	"testing"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// BenchmarkStripeWebhook measures the service side of POST /webhooks/stripe:
// signature check, event recorded once, order locked and moved, mails queued,
// on each database. "pay" pays a fresh pending order per event (the receipt and
// sold mail jobs included); "replay" is a delivery seen before. Payloads are
// signed before the clock starts, as Stripe signs them, not us. Run with
// `go test -run '^$' -bench StripeWebhook ./services`.
func BenchmarkStripeWebhook(b *testing.B) {
	for name, d := range services.DatabasesWithURLs(b) {
		var payments *services.StripePayments
		provider := newStripe(b, testenv.StripeMock(b), testenv.StripeMockKey)
		s := newBuyingShop(b, d, func(o *services.Orders) services.PaymentProvider {
			p := provider(o)
			payments = p.(*services.StripePayments)
			return p
		}, services.CheckoutConfig{})
		buyer := s.user("buyer")
		product := s.product(s.user("seller"), "Mug", 1250, -1)

		b.Run(name+"/pay", func(b *testing.B) {
			type delivery struct {
				payload []byte
				sig     string
			}
			deliveries := make([]delivery, b.N)
			for i := range deliveries {
				order, ref := stripeOrder(b, s, buyer, map[int64]int{product: 1})
				payload, sig := stripeEvent(b, testWebhookSecret, fmt.Sprintf("evt_bench_pay_%d", order.ID),
					"checkout.session.completed", checkoutSession(order, ref, 1250, "usd", "paid"))
				deliveries[i] = delivery{payload, sig}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if outcome, err := payments.HandleWebhook(s.ctx, deliveries[i].payload, deliveries[i].sig); err != nil || outcome != models.PaymentPaid {
					b.Fatalf("%v, %v", outcome, err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
		b.Run(name+"/replay", func(b *testing.B) {
			order, ref := stripeOrder(b, s, buyer, map[int64]int{product: 1})
			payload, sig := stripeEvent(b, testWebhookSecret, "evt_bench_replay_"+name, "checkout.session.completed",
				checkoutSession(order, ref, 1250, "usd", "paid"))
			if _, err := payments.HandleWebhook(s.ctx, payload, sig); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if outcome, err := payments.HandleWebhook(s.ctx, payload, sig); err != nil || outcome != models.PaymentReplay {
					b.Fatalf("%v, %v", outcome, err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
