/** The hello-world image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { helloworld } from './program.ts';

runStandalone(helloworld);
