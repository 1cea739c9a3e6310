"""A TCP proxy in front of PostgreSQL that a test can freeze: connections stay open and the
kernel keeps acknowledging bytes, but nothing is forwarded until it thaws. That is the stall
no server-side timeout, keepalive or tcp_user_timeout ends (docs/database-timeouts.md)."""

import socket
import threading


class FreezableProxy:
    def __init__(self, upstream):
        """``upstream``: a Unix socket path, or a (host, port) pair."""
        self.upstream = upstream
        self._thawed = threading.Event()
        self._thawed.set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._sockets = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, name="proxy-accept", daemon=True).start()

    def freeze(self):
        self._thawed.clear()

    def thaw(self):
        self._thawed.set()

    def close(self):
        self._thawed.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()

    def _connect_upstream(self):
        if isinstance(self.upstream, str):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.upstream)
            return sock
        return socket.create_connection(self.upstream)

    def _accept(self):
        while True:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # closed
            try:
                server = self._connect_upstream()
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source, target):
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self._thawed.wait()  # frozen: hold the bytes; the sender sees them acknowledged
                target.sendall(data)
        except OSError:
            pass  # either side closed: close both below
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
