// Command client is the connect-go peer of bench/peers/connect_client_load: N goroutines each
// making GreetService.Greet calls back to back (closed loop, one in flight per goroutine) over
// HTTP/1.1 keep-alive for a duration or a fixed number of calls, then one line:
//
//	mode=connect-go workers=16 calls=123456 errors=0 seconds=5.001 calls_per_s=24686.1 p50_us=610.2 p99_us=1410.8
package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sort"
	"sync"
	"time"

	"connectrpc.com/connect"

	greetv1 "benchpeers/gen/greet/v1"
	"benchpeers/gen/greet/v1/greetv1connect"
)

type workerStats struct {
	latencies  []time.Duration
	errors     int64
	firstError error
}

func percentileUs(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p*float64(len(sorted)-1) + 0.5)
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return float64(sorted[i].Nanoseconds()) / 1000
}

func main() {
	url := flag.String("url", "http://127.0.0.1:8080", "server base URL")
	workers := flag.Int("threads", 16, "concurrent goroutines, one call in flight each")
	seconds := flag.Float64("seconds", 5, "duration (ignored when -calls is set)")
	calls := flag.Int64("calls", 0, "fixed number of calls in total instead of a duration")
	name := flag.String("name", "peer-bench-name!", "GreetRequest.name")
	expect := flag.String("expect", "", "when set, every greeting must equal it")
	flag.Parse()
	if *workers <= 0 || (*calls <= 0 && *seconds <= 0) {
		fmt.Fprintln(os.Stderr, "client: -threads and -seconds or -calls must be positive")
		os.Exit(2)
	}

	// One keep-alive connection per goroutine; the default of 2 idle connections per host would
	// make the others reconnect on every call.
	transport := &http.Transport{
		MaxIdleConns:        *workers,
		MaxIdleConnsPerHost: *workers,
		IdleConnTimeout:     time.Minute,
	}
	greeter := greetv1connect.NewGreetServiceClient(&http.Client{Transport: transport}, *url)

	stats := make([]workerStats, *workers)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(time.Duration(*seconds * float64(time.Second)))
	for w := 0; w < *workers; w++ {
		share := int64(0)
		if *calls > 0 {
			share = *calls / int64(*workers)
			if int64(w) < *calls%int64(*workers) {
				share++
			}
		}
		wg.Add(1)
		go func(s *workerStats, share int64) {
			defer wg.Done()
			capacity := share
			if capacity == 0 {
				capacity = 1 << 16
			}
			s.latencies = make([]time.Duration, 0, capacity)
			ctx := context.Background()
			for done := int64(0); ; done++ {
				if share > 0 && done >= share || share == 0 && !time.Now().Before(deadline) {
					return
				}
				t0 := time.Now()
				res, err := greeter.Greet(ctx, connect.NewRequest(&greetv1.GreetRequest{Name: *name}))
				elapsed := time.Since(t0)
				if err == nil && *expect != "" && res.Msg.GetGreeting() != *expect {
					err = fmt.Errorf("unexpected greeting %q", res.Msg.GetGreeting())
				}
				if err != nil {
					if s.errors == 0 {
						s.firstError = err
					}
					s.errors++
					continue
				}
				s.latencies = append(s.latencies, elapsed)
			}
		}(&stats[w], share)
	}
	wg.Wait()
	total := time.Since(start).Seconds()

	var all []time.Duration
	var errors int64
	var firstError error
	for i := range stats {
		all = append(all, stats[i].latencies...)
		errors += stats[i].errors
		if firstError == nil {
			firstError = stats[i].firstError
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	fmt.Printf("mode=connect-go workers=%d calls=%d errors=%d seconds=%.3f calls_per_s=%.1f p50_us=%.1f p99_us=%.1f\n",
		*workers, len(all), errors, total, float64(len(all))/total, percentileUs(all, 0.5), percentileUs(all, 0.99))
	if errors > 0 {
		fmt.Fprintf(os.Stderr, "client: %d failed calls, first: %v\n", errors, firstError)
		os.Exit(1)
	}
}
