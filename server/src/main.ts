// Entry point of `secretspec-language-server`: `node dist/server.js --stdio`.
import { startServer } from './server';

startServer();
