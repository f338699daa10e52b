// Command server is the connect-go peer of examples/greet_server: GreetService on
// 127.0.0.1:PORT over plain HTTP/1.1 with keep-alive, Greet answering "Hello, <name>!".
// Stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"connectrpc.com/connect"

	greetv1 "benchpeers/gen/greet/v1"
	"benchpeers/gen/greet/v1/greetv1connect"
)

type greeter struct{}

func (greeter) Greet(_ context.Context, req *connect.Request[greetv1.GreetRequest]) (*connect.Response[greetv1.GreetResponse], error) {
	return connect.NewResponse(&greetv1.GreetResponse{Greeting: "Hello, " + req.Msg.GetName() + "!"}), nil
}

func main() {
	if len(os.Args) != 2 {
		log.Fatal("usage: server PORT")
	}
	mux := http.NewServeMux()
	mux.Handle(greetv1connect.NewGreetServiceHandler(greeter{}))
	listener, err := net.Listen("tcp", "127.0.0.1:"+os.Args[1])
	if err != nil {
		log.Fatal(err)
	}
	// No TLS and no h2c: net/http serves HTTP/1.1 only, with keep-alive on by default.
	server := &http.Server{Handler: mux}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
		<-stop
		server.Close()
	}()
	fmt.Printf("listening on http://%s\n", listener.Addr())
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
