# A thread's sendall blocks on a full socket until the main thread reads:
# while recording, the reader must run while the writer waits in the kernel.
import socket, threading, time
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen()
data = b"x" * (4 << 20)
def client():
    with socket.create_connection(server.getsockname()) as s:
        s.sendall(data)          # blocks: the buffer fills before the server reads
writer = threading.Thread(target=client); writer.start()
conn, _ = server.accept()
conn.settimeout(10)
time.sleep(0.2)
got = 0
while got < len(data):
    chunk = conn.recv(65536)
    if not chunk:
        break
    got += len(chunk)
writer.join()
print("received", got)
