package testenv

import (
	"context"
	"net"
	"net/http"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestMailpitRoundTrip sends with the standard library's SMTP client (so the
// helpers are checked independently of the app's mailer) and reads the message
// back through the API helpers.
func TestMailpitRoundTrip(t *testing.T) {
	t.Parallel()
	smtpURL, api := Mailpit(t)
	u, err := url.Parse(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	pass, _ := u.User.Password()
	to := "roundtrip-" + randomHex() + "@example.com"
	msg := "From: shop@example.com\r\nTo: " + to + "\r\nSubject: Round trip\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello there.\r\n"
	auth := smtp.PlainAuth("", u.User.Username(), pass, u.Hostname())
	if err := smtp.SendMail(u.Host, auth, "shop@example.com", []string{to}, []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got := WaitMail(t, api, to)
	if got.Subject != "Round trip" || strings.TrimSpace(got.Text) != "Hello there." || got.From.Address != "shop@example.com" {
		t.Errorf("got %+v", got)
	}
	if len(got.Headers["Subject"]) != 1 {
		t.Errorf("headers %v", got.Headers)
	}
	// Without the password the server refuses the message.
	err = smtp.SendMail(u.Host, nil, "shop@example.com", []string{"nobody@example.com"}, []byte(msg))
	if err == nil {
		t.Error("Mailpit accepted a message without authentication")
	}
	if n := len(MailpitMessages(t, api, "nobody@example.com")); n != 0 {
		t.Errorf("%d unauthenticated messages stored", n)
	}
}

// Each S3 call gets its own empty bucket on the shared server.
func TestS3BucketsAreSeparate(t *testing.T) {
	t.Parallel()
	first, creds := S3Bucket(t)
	second, _ := S3Bucket(t)
	if first == second {
		t.Fatalf("the same bucket twice: %s", first)
	}
	client := s3Client(t, first, creds)
	ctx := context.Background()
	for _, raw := range []string{first, second} {
		u, _ := url.Parse(raw)
		if _, err := client.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(u.Host)}); err != nil {
			t.Errorf("bucket %s: %v", u.Host, err)
		}
		q := u.Query()
		if q.Get("region") != s3Region || q.Get("use_path_style") != "true" || !strings.HasPrefix(q.Get("endpoint"), "http://127.0.0.1:") {
			t.Errorf("bucket URL %s", raw)
		}
	}
	// Object metadata lives in the sidecar directory, not in extended attributes.
	u, _ := url.Parse(first)
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(u.Host), Key: aws.String("k"),
		Body: strings.NewReader("v"), ContentType: aws.String("text/plain")}); err != nil {
		t.Fatal(err)
	}
	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(u.Host), Key: aws.String("k")})
	if err != nil || aws.ToString(head.ContentType) != "text/plain" {
		t.Fatalf("content type %v, %v", head, err)
	}
	if entries, err := os.ReadDir(filepath.Join(sharedS3.dir, "meta")); err != nil || len(entries) == 0 {
		t.Errorf("sidecar metadata directory is empty: %v", err)
	}
}

func s3Client(t *testing.T, bucketURL string, creds S3Credentials) *s3.Client {
	t.Helper()
	u, err := url.Parse(bucketURL)
	if err != nil {
		t.Fatal(err)
	}
	return s3.New(s3.Options{
		Region:       s3Region,
		BaseEndpoint: aws.String(u.Query().Get("endpoint")),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, ""),
	})
}

func TestStripeMockAnswers(t *testing.T) {
	t.Parallel()
	base := StripeMock(t)
	req, err := http.NewRequest(http.MethodGet, base+"/v1/customers/cus_anything", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+StripeMockKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET a customer: %s", res.Status)
	}
	res, err = http.Get(base + "/v1/customers")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a key: %s, want 401", res.Status)
	}
}

// Acquire starts the extras asked for, each its own, and Close stops them and
// removes their files.
func TestAcquireExtras(t *testing.T) {
	t.Parallel()
	env, err := Acquire(context.Background(), t.Logf, Extras{Mailpit: true, S3: true, StripeMock: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Close() })
	if env.SMTPURL == "" || env.MailpitAPIURL == "" || env.BlobURL == "" || env.S3Credentials.AccessKeyID == "" || env.StripeAPIURL == "" {
		t.Fatalf("env %+v", env)
	}
	smtpAddr, blobEndpoint := hostOf(t, env.SMTPURL), hostOf(t, mustQuery(t, env.BlobURL, "endpoint"))
	addrs := []string{smtpAddr, hostOf(t, env.MailpitAPIURL), blobEndpoint, hostOf(t, env.StripeAPIURL)}
	for _, a := range addrs {
		c, err := net.Dial("tcp", a)
		if err != nil {
			t.Fatalf("%s: %v", a, err)
		}
		c.Close()
	}
	dirs := []string{env.mailpit.dir, env.s3.dir, env.stripe.dir}

	if err := env.Close(); err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		assertRefused(t, a)
	}
	for _, d := range dirs {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s not removed: %v", d, err)
		}
	}
}

func mustQuery(t *testing.T, rawURL, key string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(key)
}

// The tools are built once per machine: a second call finds them.
func TestBuildToolsReusesTheBuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first, err := BuildTools(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var logged []string
	second, err := BuildTools(ctx, func(f string, a ...any) { logged = append(logged, f) })
	if err != nil || second != first {
		t.Fatalf("second call: %s, %v; first %s", second, err, first)
	}
	if len(logged) != 0 {
		t.Errorf("built again: %q", logged)
	}
	for _, name := range toolNames() {
		if st, err := os.Stat(filepath.Join(first, name)); err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("%s is not an executable in %s: %v", name, first, err)
		}
	}
}
