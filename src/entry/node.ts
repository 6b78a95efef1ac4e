// The Node entry (`npm start`): the heap policy first, before the service's modules load and V8 sizes its
// heap on them (node-heap.ts), then the service (node-service.ts).
import { limitHeapGrowth } from './node-heap.js';

limitHeapGrowth();
await import('./node-service.js');
