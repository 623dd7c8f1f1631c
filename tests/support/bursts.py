"""Many requests at the same moment, each from its own thread and test client."""
import threading


def post_at_once(app, count, path, data, remote_addr="203.0.113.9"):
    """Post the same form count times at once and return the status codes, sorted."""
    clients = [app.test_client() for _ in range(count)]
    start, statuses = threading.Barrier(count), []

    def post(client):
        start.wait()
        statuses.append(client.post(path, data=data, environ_base={"REMOTE_ADDR": remote_addr}).status_code)

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(statuses)
