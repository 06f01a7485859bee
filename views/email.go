package views

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/storefront/storefront/models"
)

// Notice is the content of a notice email: a heading, paragraphs and at most one
// call to action. NoticeEmail renders it as both parts of one message, so the
// text and the HTML always say the same.
type Notice struct {
	To      string
	Subject string
	Heading string
	// Paragraphs are plain text; each becomes one paragraph.
	Paragraphs []string
	// ActionLabel and ActionPath (a local path such as /account) make a button in
	// HTML and a labelled link in text. Both or neither.
	ActionLabel, ActionPath string
	// ShopURL is PUBLIC_URL. Every link in a mail is absolute and starts with it:
	// never with a request's Host header, which the client chooses.
	ShopURL string
}

// NoticeEmail renders n as a message with a text and an HTML part.
func NoticeEmail(ctx context.Context, n Notice) (models.Email, error) {
	shop, err := shopURL(n.ShopURL)
	if err != nil {
		return models.Email{}, err
	}
	var action string
	if n.ActionLabel != "" || n.ActionPath != "" {
		path, ok := models.SafeLocalPath(n.ActionPath)
		if !ok || n.ActionLabel == "" {
			return models.Email{}, errors.New("notice email: the action needs a label and a local path")
		}
		action = shop + path
	}
	var html bytes.Buffer
	if err := noticeEmailHTML(n, shop, action).Render(ctx, &html); err != nil {
		return models.Email{}, err
	}
	return models.Email{To: n.To, Subject: n.Subject, Text: noticeText(n, shop, action), HTML: html.String()}, nil
}

// noticeText is the text part: the same content, links spelled out, and the
// "-- " line that mail clients treat as the start of a signature.
func noticeText(n Notice, shop, action string) string {
	var b strings.Builder
	b.WriteString(n.Heading + "\n\n")
	for _, p := range n.Paragraphs {
		b.WriteString(p + "\n\n")
	}
	if action != "" {
		b.WriteString(n.ActionLabel + ":\n" + action + "\n\n")
	}
	b.WriteString("-- \nStorefront\n" + shop + "/\n")
	return b.String()
}

// shopURL checks PUBLIC_URL and returns it without a trailing slash.
func shopURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("email: the shop URL (PUBLIC_URL) must be an absolute http(s) URL")
	}
	return strings.TrimSuffix(raw, "/"), nil
}
