import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
const nc = await connect({ servers: process.argv[2]! });
const jsm = await jetstreamManager(nc);
for await (const s of jsm.streams.list()) {
  console.log(s.config.name, JSON.stringify(s.state).slice(0, 300));
  for await (const c of jsm.consumers.list(s.config.name)) console.log("consumer", c.name, JSON.stringify(c.config.filter_subject), "delivered", c.delivered.stream_seq, "ackfloor", c.ack_floor.stream_seq, "pending", c.num_pending, "ackpending", c.num_ack_pending, "redeliv", c.num_redelivered, "waiting", c.num_waiting, "push_bound" in c ? c.push_bound : "");
}
await nc.close();
