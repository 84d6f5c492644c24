// Copyright 2026 the pysocket authors. MIT license.
// The original Python programs that examples/ ports, as CPython peers for
// tests/runtimes/seed_examples.test.ts: run as `python3 -c PY[name] host port [count]`.
// Changed from the originals only where a test needs it: host and port come
// from argv and a server prints `listening on <ip>:<port>` first; each other
// change (an endless loop bounded by a count, a fix) is marked in a comment.

/** Python source of each program, by the name of its port in examples/. */
export const PY: Record<string, string> = {
  push_server: `import socket, sys
s = socket.socket()
host = sys.argv[1]
port = int(sys.argv[2])
s.bind((host, port))
s.listen(3)
print('listening on %s:%d' % s.getsockname())
while True:
    c, addr = s.accept()
    print("Linked @ Addr", addr)
    break
while True:
    data = input("input data:")
    c.send(data.encode("utf8"))
    if data == "exit":
        c.close()
        break
`,
  push_client: `import socket, sys
s = socket.socket()
host = sys.argv[1]
port = int(sys.argv[2])
s.connect((host, port))
while True:
    data = s.recv(1024).decode("utf8")
    if data != b'':
        print("receive data:", data)
    if data[:4] == "exit":
        s.close()
        break
`,
  reuse_server: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
back_log = 5
buffer_size = 1024
ser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
ser.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ser.bind(ip_port)
ser.listen(back_log)
print('listening on %s:%d' % ser.getsockname())
for _ in range(int(sys.argv[3])):  # while 1:
    con, address = ser.accept()
    while 1:
        try:
            msg = con.recv(buffer_size)
            if msg.decode('utf-8') == '1':
                con.close()
            print('server received message', msg.decode('utf-8'))
        except Exception as e:
            break
ser.close()
`,
  reuse_client: `import socket, sys
p = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
p.connect((sys.argv[1], int(sys.argv[2])))
while 1:
    msg = input('please input')
    if not msg:
        continue
    p.send(msg.encode('utf-8'))
    if msg == '1':
        break
p.close()
`,
  telephone_server: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
BUFSIZE = 1024
servser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
servser.bind(ip_port)
servser.listen(5)
print('listening on %s:%d' % servser.getsockname())
conn, addr = servser.accept()
print('got a call from %s' % addr[0])
msg = conn.recv(BUFSIZE)
print(msg, type(msg))
conn.send(msg.upper())
conn.close()
servser.close()
`,
  telephone_client: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
BUFSIZE = 1024
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect_ex(ip_port)
client.send('dream is handsome'.encode('utf-8'))
feedback = client.recv(BUFSIZE)
print(feedback.decode('utf-8'))
client.close()
`,
  telephone_loop_server: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
BUFSIZE = 1024
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(ip_port)
server.listen(5)
print('listening on %s:%d' % server.getsockname())
for _ in range(int(sys.argv[3])):  # while True:
    conn, addr = server.accept()  # the original says s.accept()
    print('got a call from %s' % addr[0])
    while True:
        msg = conn.recv(BUFSIZE)
        if len(msg) == 0: break  # commented out in the original
        print(msg, type(msg))
        conn.send(msg.upper())
    conn.close()
server.close()
`,
  telephone_loop_client: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
BUFSIZE = 1024
client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.connect_ex(ip_port)
while True:
    try:
        msg = input('>>: ').strip()
    except EOFError:  # not in the original: the end of input hangs up
        break
    if len(msg) == 0: continue
    client.send(msg.encode('utf-8'))
    feedback = client.recv(BUFSIZE)
    print(feedback.decode('utf-8'))
client.close()
`,
  upper_once_server: `import socket, sys
sk = socket.socket()
ip_port = (sys.argv[1], int(sys.argv[2]))
sk.bind(ip_port)
print('listening on %s:%d' % sk.getsockname())
print('sk.bind......')
sk.listen(5)
print('sk.listen......')
conn, addr = sk.accept()
print('conn:', conn)
print('addr:', addr)
read_data = conn.recv(1024)
print('read_data', read_data)
read_data = read_data.upper()
conn.send(read_data)
conn.close()
`,
  upper_once_client: `import socket, sys
ip_port = (sys.argv[1], int(sys.argv[2]))
sk = socket.socket()
sk.connect(ip_port)
send_data = input('>>').strip()
sk.send(bytes(send_data, encoding='utf-8'))
recv_data = sk.recv(1024)
print(str(recv_data, encoding='utf-8'))
sk.close()
`,
  hello_server: `import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.bind((sys.argv[1], int(sys.argv[2])))
sock.listen(5)
print('listening on %s:%d' % sock.getsockname())
for _ in range(int(sys.argv[3])):  # while True:
    client_sock, client_addr = sock.accept()
    data = client_sock.recv(1024)
    print('Received:', data)
    client_sock.send(b'Hello Client')
    client_sock.close()
`,
  hello_client: `import socket, sys
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.connect((sys.argv[1], int(sys.argv[2])))
sock.send(b'Hello Server')
data = sock.recv(1024)
print('Received:', data)
sock.close()
`,
};
