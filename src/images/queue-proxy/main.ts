/** The queue-proxy image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { queueProxy } from './program.ts';

runStandalone(queueProxy);
