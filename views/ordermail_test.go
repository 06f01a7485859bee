package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

func TestOrderMails(t *testing.T) {
	paid := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	order := models.Order{ID: 42, TotalCents: 2*1250 + 900, Currency: "EUR", PaidAt: &paid, Lines: []models.OrderLine{
		{ProductName: "Mug <b>", StoreName: "Clay & Co", UnitPriceCents: 1250, Quantity: 2, SellerID: 1},
		{ProductName: "Spoon", UnitPriceCents: 900, Quantity: 1, SellerID: 2},
	}}
	mails := views.OrderMails{ShopURL: "https://shop.example.com/"}
	receipt, err := mails.Receipt(context.Background(), order, "buyer@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sold, err := mails.Sold(context.Background(), order, "seller@example.com", order.Lines[:1])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		mail    models.Email
		to      string
		subject string
		text    []string
		link    string
	}{
		{receipt, "buyer@example.com", "Your receipt for order #42",
			[]string{"€34.00 for order #42 on 3 December 2026", "2 × Mug <b> (Clay & Co), €25.00\n", "1 × Spoon, €9.00\n", "Total paid: €34.00"},
			"https://shop.example.com/orders/42"},
		{sold, "seller@example.com", "You sold 2 × Mug <b> (order #42)",
			[]string{"Order #42 was paid on 3 December 2026", "2 × Mug <b> (Clay & Co), €25.00\n", "Your total: €25.00"},
			"https://shop.example.com/account/sales"},
	} {
		if err := tc.mail.Validate(); err != nil || tc.mail.To != tc.to || tc.mail.Subject != tc.subject {
			t.Errorf("%s: to %q subject %q, %v", tc.subject, tc.mail.To, tc.mail.Subject, err)
		}
		for _, want := range append(tc.text, tc.link+"\n") {
			if !strings.Contains(tc.mail.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", tc.subject, want, tc.mail.Text)
			}
		}
		if tc.subject == sold.Subject && strings.Contains(tc.mail.Text, "Spoon") {
			t.Error("the sold notice lists another seller's line")
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(tc.mail.HTML))
		if err != nil {
			t.Fatal(err)
		}
		if doc.Find("b").Length() != 0 || !strings.Contains(tc.mail.HTML, "Mug &lt;b&gt;") {
			t.Errorf("%s: product name not escaped", tc.subject)
		}
		if href, _ := doc.Find("a").First().Attr("href"); href != tc.link {
			t.Errorf("%s: link %q, want %q", tc.subject, href, tc.link)
		}
		if !strings.Contains(doc.Find("table").Text(), "€25.00") {
			t.Errorf("%s: the table lacks the line amount", tc.subject)
		}
	}
	if _, err := (views.OrderMails{ShopURL: "shop"}).Receipt(context.Background(), order, "b@example.com"); err == nil {
		t.Error("a relative shop URL made a mail")
	}
}
