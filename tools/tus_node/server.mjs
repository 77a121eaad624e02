// The official tus server (@tus/server with @tus/file-store), for the tus client's tests.
//
//   node server.mjs PORT DIRECTORY [EXPIRATION_MS]
//
// Listens on 127.0.0.1:PORT (0 = any free port) with uploads at /files/, stores
// them in DIRECTORY, and prints one JSON line {"port": N} once it is listening.
import { FileStore } from "@tus/file-store";
import { Server } from "@tus/server";

const [portArg = "0", directory = "./files", expirationArg = "0"] = process.argv.slice(2);
const expiration = Number(expirationArg);

const tus = new Server({
  path: "/files",
  datastore: new FileStore({
    directory,
    ...(expiration > 0 ? { expirationPeriodInMilliseconds: expiration } : {}),
  }),
});

const http = tus.listen({ host: "127.0.0.1", port: Number(portArg) }, () => {
  process.stdout.write(JSON.stringify({ port: http.address().port }) + "\n");
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => http.close(() => process.exit(0)));
}
